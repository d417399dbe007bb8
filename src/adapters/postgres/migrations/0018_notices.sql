-- Notices to the operators ("Espace Opérateurs", issue 15, decision 0022): what the provider
-- announces (maintenance, works on e-SAV, rate limits, certificate renewal, web-service and form
-- versions, anything else), to whom (all operators or a list), which portal user has read which,
-- and the e-mails sent for them (one row per notice and operator once the SMTP server took it).
CREATE TABLE notices (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('MAINTENANCE', 'TRAVAUX_ESAV', 'LIMITE_DEBIT', 'CERTIFICAT', 'VERSION_WEB_SERVICE', 'VERSION_FORMULAIRE', 'AUTRE')),
  -- NULL: every operator; otherwise the codes of the operators concerned
  operator_codes  text[] CHECK (operator_codes IS NULL OR cardinality(operator_codes) >= 1),
  title           text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  body            text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
  published_at    timestamptz NOT NULL,
  starts_at       timestamptz,
  ends_at         timestamptz CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at),
  -- the staff member who wrote it, or 'e-SAV' for the notices the gateway writes itself
  created_by      text NOT NULL,
  -- what an automatic notice announces (e.g. maintenance:12, certificat:<fingerprint>): the same
  -- action never gets two notices, whichever process writes it
  source_key      text UNIQUE,
  -- the notice-period rule a staff member forced (the action was announced too late)
  forced_rule     text,
  withdrawn_at    timestamptz
);
CREATE INDEX notices_published ON notices (published_at DESC, id DESC);
CREATE INDEX notices_operators ON notices USING gin (operator_codes);

-- Read marks of the portal users (the unread notices are highlighted).
CREATE TABLE notice_reads (
  notice_id   bigint NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
  web_user    text NOT NULL REFERENCES web_users (identifier) ON DELETE CASCADE,
  read_at     timestamptz NOT NULL,
  PRIMARY KEY (notice_id, web_user)
);
CREATE INDEX notice_reads_user ON notice_reads (web_user);

-- The e-mails sent (the durable queue's job wrote the row once the SMTP server accepted the mail):
-- a job run again after a crash sends no second mail once its row exists.
CREATE TABLE notice_mails (
  notice_id      bigint NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
  operator_code  text NOT NULL,
  recipients     text[] NOT NULL,
  sent_at        timestamptz NOT NULL,
  message_id     text,
  PRIMARY KEY (notice_id, operator_code)
);
