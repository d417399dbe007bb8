-- The gateway's own evidence for conformance runs (issue 7, docs/conformance.md).
--
-- served_operations: one row per SOAP request answered to an identified operator on the
-- integration platform (written in batches after the response is sent, never on the request's
-- path), kept 30 days. A conformance run is only recorded for the domains whose calls the
-- gateway itself served, with the expected outcomes, to that operator and certificate during
-- the run's campaign.
CREATE TABLE served_operations (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  served_at               timestamptz NOT NULL,
  operator_code           text NOT NULL,
  certificate_fingerprint text NOT NULL,
  -- path of the endpoint (/ws/v1/signalisation…), operation name when dispatched
  path                    text NOT NULL,
  operation               text,
  -- ok, fault:<code>
  outcome                 text NOT NULL,
  id_requete              text NOT NULL
);
CREATE INDEX served_operations_caller ON served_operations (operator_code, certificate_fingerprint, served_at);
CREATE INDEX served_operations_served_at ON served_operations (served_at);

-- conformance_campaigns: a run of the kit, opened by the operator's certificate before its first
-- call and closed once with its results; the window [opened_at, closed_at] is the gateway's.
CREATE TABLE conformance_campaigns (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_code           char(4) NOT NULL REFERENCES operators (code),
  certificate_fingerprint char(64) NOT NULL,
  domains                 text[] NOT NULL,
  opened_at               timestamptz NOT NULL,
  closed_at               timestamptz,
  -- the recorded run, and what the gateway found for each domain (JSON, see src/application/conformance-runs.ts)
  run_id                  bigint REFERENCES conformance_runs (id),
  evidence                jsonb
);
CREATE INDEX conformance_campaigns_operator ON conformance_campaigns (operator_code, opened_at DESC);
