-- Prestations bulk import (issue 14, decision 0017): activation and termination days of a
-- prestation, and the bookkeeping of the imports (one row per import with its progress, one row
-- per refused line). The file's lines are staged in a temporary table of the import's transaction
-- (created by src/adapters/postgres/prestation-imports.ts), never here.

-- Paris calendar days: a prestation takes deposits from date_activation (included) to
-- date_resiliation (excluded); NULL: no bound.
ALTER TABLE prestations ADD COLUMN date_activation date;
ALTER TABLE prestations ADD COLUMN date_resiliation date;
ALTER TABLE prestations ADD CONSTRAINT prestations_dates
  CHECK (date_activation IS NULL OR date_resiliation IS NULL OR date_resiliation > date_activation);

CREATE TABLE prestation_imports (
  id              uuid PRIMARY KEY,
  -- the order of the starts (the business clock may stand still in tests)
  seq             bigint GENERATED ALWAYS AS IDENTITY,
  -- RUNNING while the file is read; then DONE, DRY_RUN (simulation), REFUSED (the file as a
  -- whole: nothing written) or FAILED (technical error: nothing written)
  state           text NOT NULL CHECK (state IN ('RUNNING', 'DONE', 'DRY_RUN', 'REFUSED', 'FAILED')),
  simulation      boolean NOT NULL,
  format          text NOT NULL CHECK (format IN ('csv', 'json', 'ndjson')),
  agent           text NOT NULL CHECK (char_length(agent) BETWEEN 1 AND 100),
  max_refused     integer,
  started_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  ended_at        timestamptz,
  bytes_read      bigint NOT NULL DEFAULT 0,
  lines_read      integer NOT NULL DEFAULT 0,
  lines_accepted  integer NOT NULL DEFAULT 0,
  lines_refused   integer NOT NULL DEFAULT 0,
  created         integer NOT NULL DEFAULT 0,
  updated         integer NOT NULL DEFAULT 0,
  unchanged       integer NOT NULL DEFAULT 0,
  -- why the file was refused as a whole (REFUSED, FAILED)
  reason          text
);
CREATE INDEX prestation_imports_started ON prestation_imports (started_at DESC, seq DESC);

CREATE TABLE prestation_import_rejects (
  import_id    uuid NOT NULL REFERENCES prestation_imports (id) ON DELETE CASCADE,
  line         integer NOT NULL,
  identifiant  text,
  field        text,
  reason       text NOT NULL,
  PRIMARY KEY (import_id, line)
);
