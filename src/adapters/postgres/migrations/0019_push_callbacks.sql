-- Push notifications of ticket changes (issue 15 point 3, decision 0023): an operator's callback
-- subscription, the outbox of ticket events (written in the transaction of the change, by the
-- repositories of signalisations, appointments and line tests) and the per-ticket sequence.
-- The event row is also its delivery's state: attempts, last error, next try, FAILED after the
-- retry window (support replays it). Deliveries themselves go through the job queue (pgboss).

-- One subscription per operator: where to push, and which CA signs that server's certificate.
CREATE TABLE push_subscriptions (
  operator_code  char(4) PRIMARY KEY REFERENCES operators (code),
  url            text NOT NULL CHECK (url ~ '^https://' AND char_length(url) <= 2000),
  -- PEM of the CA(s) the callback server's certificate must chain to; NULL: the configured bundle
  ca_pem         text,
  paused         boolean NOT NULL DEFAULT false,
  -- who paused it: support staff (admin API) or the operator (portal)
  paused_by      text,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);

-- The last sequence number given per ticket, and the delivery lease of that ticket: one delivery
-- process at a time per ticket (in order), taken until lease_until and released after the attempt.
CREATE TABLE push_ticket_sequences (
  signalisation_id  bigint PRIMARY KEY REFERENCES signalisations (id),
  last_seq          integer NOT NULL CHECK (last_seq >= 1),
  lease_token       uuid,
  lease_until       timestamptz
);

CREATE TABLE push_events (
  id                uuid PRIMARY KEY,
  operator_code     char(4) NOT NULL REFERENCES operators (code),
  signalisation_id  bigint NOT NULL REFERENCES signalisations (id),
  reference         text NOT NULL,
  seq               integer NOT NULL CHECK (seq >= 1),
  kind              text NOT NULL CHECK (kind IN ('CHANGEMENT_ETAT', 'COMMENTAIRE_SAV', 'RENDEZ_VOUS', 'RESULTAT_TEST')),
  -- the message's fields (referenceInterneOC, etat, details) as of the change
  payload           jsonb NOT NULL,
  occurred_at       timestamptz NOT NULL,
  status            text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts          integer NOT NULL DEFAULT 0,
  -- start of the retry window (first failed attempt since recording, resume or replay)
  first_failure_at  timestamptz,
  next_attempt_at   timestamptz NOT NULL,
  last_error        text,
  last_attempt_at   timestamptz,
  delivered_at      timestamptz,
  CONSTRAINT push_events_ticket_seq UNIQUE (signalisation_id, seq),
  CONSTRAINT push_events_delivered CHECK ((status = 'DELIVERED') = (delivered_at IS NOT NULL))
);
-- the relay's search of due heads, and support's lists
CREATE INDEX push_events_undelivered ON push_events (signalisation_id, seq) WHERE status <> 'DELIVERED';
CREATE INDEX push_events_operator ON push_events (operator_code, occurred_at DESC);
