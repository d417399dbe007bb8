-- Life cycle of a signalisation: why a GELE ticket waits, the guarantee clock (paused while GELE),
-- and the indexes of the operator lists, the 90-day history and the dashboard sweep.

ALTER TABLE signalisations
  -- what a GELE ticket waits for: the operator (INFORMATION, ACCES_SITE) or an appointment
  ADD COLUMN attente text CHECK (attente IN ('INFORMATION', 'ACCES_SITE', 'RENDEZ_VOUS')),
  -- guarantee clock: time consumed before the running segment, and the segment's start
  -- (NULL while paused or stopped); the deadline is derived from both and stored for reads
  ADD COLUMN gtr_consumed_ms bigint NOT NULL DEFAULT 0,
  ADD COLUMN gtr_running_since timestamptz;

UPDATE signalisations SET gtr_running_since = deposited_at
 WHERE etat IN ('EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS');

-- listerSignalisations: most recent first, keyset on id
CREATE INDEX signalisations_operator_id ON signalisations (operator_code, id DESC);
-- consulterHistorique: closed tickets by closing date
CREATE INDEX signalisations_operator_closed ON signalisations (operator_code, date_cloture DESC, id DESC)
  WHERE date_cloture IS NOT NULL;
-- the sweep to CLOS_TABLEAU_DE_BORD
CREATE INDEX signalisations_dashboard_sweep ON signalisations (date_cloture)
  WHERE etat IN ('CLOS', 'VALIDE');
