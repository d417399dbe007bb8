-- Conformance runs ("jeu de test e-SAV") of operators on the integration platform: what the
-- promotion to production checks. A run is only recorded with the gateway's own evidence of the
-- calls it served (see src/application/conformance-runs.ts), never on the client's word alone.
CREATE TABLE conformance_runs (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_code       char(4) NOT NULL REFERENCES operators (code),
  platform            text NOT NULL CHECK (platform IN ('integration', 'production')),
  -- domains the run checked, and those whose every scenario passed
  domains             text[] NOT NULL,
  passed_domains      text[] NOT NULL,
  passed              boolean NOT NULL,
  started_at          timestamptz NOT NULL,
  finished_at         timestamptz NOT NULL,
  -- the client certificate the run used
  certificate_fingerprint char(64),
  -- the reports as produced by the kit (JUnit XML and self-contained HTML)
  report_junit        text,
  report_html         text,
  recorded_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conformance_runs_operator ON conformance_runs (operator_code, finished_at DESC);
