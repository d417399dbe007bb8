-- Running the service (issue 8, decision 0010): announced maintenance windows, per-operator rate
-- limits and their shared per-minute counters, and the volumetry of requests per operator, minute
-- and kind (spec §3).

-- Announced works windows: the service answers fault 402 from debut to fin. A cancelled window
-- stays for the record (cancelled_at set) and no longer applies.
CREATE SEQUENCE maintenance_reference_seq;
CREATE TABLE maintenance_windows (
  reference     text PRIMARY KEY DEFAULT 'MNT-' || lpad(nextval('maintenance_reference_seq')::text, 6, '0'),
  debut         timestamptz NOT NULL,
  fin           timestamptz NOT NULL,
  motif         text NOT NULL CHECK (char_length(motif) BETWEEN 1 AND 255),
  created_at    timestamptz NOT NULL,
  cancelled_at  timestamptz,
  CHECK (fin > debut)
);
CREATE INDEX maintenance_windows_active ON maintenance_windows (fin) WHERE cancelled_at IS NULL;

-- Per-operator limits of requests per minute, set by support staff, each effective from a given
-- instant: the row with the latest effective_from <= now is the one in force;
-- requests_per_minute NULL lifts the limit from that instant on.
CREATE TABLE rate_limits (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_code        char(4) NOT NULL REFERENCES operators (code),
  requests_per_minute  integer CHECK (requests_per_minute IS NULL OR requests_per_minute >= 1),
  effective_from       timestamptz NOT NULL,
  motif                text,
  created_at           timestamptz NOT NULL,
  UNIQUE (operator_code, effective_from)
);

-- The requests admitted per operator and minute while a limit is in force, shared by every
-- gateway process: one row per (operator, minute), incremented by a conditional UPSERT that
-- refuses past the limit. UNLOGGED: no WAL on the hot path; after a server crash the table is
-- emptied, which only forgets the current minute's count. Old minutes are deleted as they pass.
CREATE UNLOGGED TABLE rate_limit_counters (
  operator_code  char(4) NOT NULL,
  minute         timestamptz NOT NULL,
  requests       integer NOT NULL,
  PRIMARY KEY (operator_code, minute)
);

-- Volumetry (spec §3, the five kinds of article 6): requests counted per operator, minute and
-- kind. Gateways add their in-memory counts in batches (one multi-row UPSERT every few seconds
-- and on shutdown); test results are counted in the transaction that stores them.
CREATE TABLE volumetry (
  operator_code  char(4) NOT NULL,
  minute         timestamptz NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('TEST_RESULTAT', 'TRAVAUX_INCIDENTS', 'DEPOT_SIGNALISATION', 'CONSULTATION_ETAT', 'HISTORIQUE')),
  requests       bigint NOT NULL CHECK (requests >= 0),
  PRIMARY KEY (minute, operator_code, kind)
);
CREATE INDEX volumetry_operator_minute ON volumetry (operator_code, minute);
