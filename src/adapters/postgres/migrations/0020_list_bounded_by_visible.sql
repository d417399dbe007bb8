-- listerSignalisations bounded by the visible tickets, not by the history (decision 0028): the
-- open tickets of an operator by id, so that the list reaches the old open ones without walking
-- the closed history in between. Small (open tickets only); a deposit adds an entry, a closing
-- leaves a dead one to vacuum (that update already changes indexed columns).
CREATE INDEX signalisations_operator_open ON signalisations (operator_code, id DESC) WHERE date_cloture IS NULL;
