-- Issue 14: profiles administered by support staff, and the operators' life cycle.

-- A profile is created, changed and retired at run time (never deleted: certificates, portal
-- users and the audit log name it). A retired profile can no longer be bound.
ALTER TABLE profiles
  ADD COLUMN created_at  timestamptz,
  ADD COLUMN created_by  text,
  ADD COLUMN retired_at  timestamptz,
  ADD COLUMN retired_by  text;

-- Suspension (until reactivated) and termination (dated, with the contract's two months' notice).
-- While suspended, or from the termination instant on, the operator's certificates and portal
-- users stop working; its data stays.
ALTER TABLE operators
  ADD COLUMN suspended_at             timestamptz,
  ADD COLUMN suspended_by             text,
  ADD COLUMN suspension_reason        text,
  -- the termination day (Paris, YYYY-MM-DD) and its instant: 00:00 Europe/Paris of that day
  ADD COLUMN termination_date         text CHECK (termination_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  ADD COLUMN termination_at           timestamptz,
  -- the day the termination was notified (start of the notice) and who recorded it
  ADD COLUMN termination_notified_on  text CHECK (termination_notified_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  ADD COLUMN termination_recorded_by  text,
  ADD COLUMN termination_reason       text,
  ADD CONSTRAINT operators_termination_dated CHECK ((termination_date IS NULL) = (termination_at IS NULL));

-- A portal sign-in refused because the user's operator is suspended or terminated.
ALTER TABLE web_sign_ins DROP CONSTRAINT web_sign_ins_outcome_check;
ALTER TABLE web_sign_ins ADD CONSTRAINT web_sign_ins_outcome_check CHECK (outcome IN (
  'SUCCES', 'ECHEC', 'VERROUILLAGE', 'REFUS_VERROUILLE', 'REFUS_LIMITE',
  'TOTP_ATTENDU', 'ECHEC_TOTP', 'DECONNEXION', 'REFUS_OPERATEUR'));
