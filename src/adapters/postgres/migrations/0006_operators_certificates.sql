-- Operators onboarded from the order form, certificates managed by support staff, the CAs
-- recognised at run time, and the audit log of every support action (issue 6, decision 0009).

-- The order form ("Bon de commande e-SAV"). Nullable: operators created before this migration
-- (the demo ones) have no order form.
ALTER TABLE operators
  ADD COLUMN contract_reference   text CHECK (contract_reference ~ '^[A-Z0-9][A-Z0-9._/-]*-ESAV$'),
  ADD COLUMN business_case        text,
  ADD COLUMN representative       text,
  ADD COLUMN phone                text,
  ADD COLUMN email                text,
  ADD COLUMN postal_address       text[] CHECK (cardinality(postal_address) BETWEEN 1 AND 3),
  -- the designated e-SAV contact: {nom, fonction, telephone, email} or NULL
  ADD COLUMN esav_contact         jsonb,
  ADD COLUMN requested_access     text CHECK (requested_access IN ('EN_LIGNE', 'INTEGRE', 'LES_DEUX')),
  ADD COLUMN comments             text,
  ADD COLUMN onboarded_by         text,
  -- the promotion to production: when, by whom, for which domains
  ADD COLUMN promoted_at          timestamptz,
  ADD COLUMN promoted_by          text,
  ADD COLUMN production_domains   text[] NOT NULL DEFAULT '{}';

-- Certificates: who registered or revoked them, why, the renewal chain, the PEM itself (public).
ALTER TABLE client_certificates
  ADD COLUMN cert_pem                text,
  ADD COLUMN key_description         text,
  -- CSR: issued for an operator's key; PKCS12: key pair generated and delivered as PKCS#12;
  -- PEM: registered from a recognised CA; DEMO: the development certificates
  ADD COLUMN delivery                text CHECK (delivery IN ('CSR', 'PKCS12', 'PEM', 'DEMO')),
  ADD COLUMN registered_by           text,
  ADD COLUMN revoked_by              text,
  ADD COLUMN revocation_reason       text,
  ADD COLUMN predecessor_fingerprint char(64) REFERENCES client_certificates (fingerprint_sha256);
CREATE INDEX client_certificates_not_after ON client_certificates (not_after) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX client_certificates_one_successor ON client_certificates (predecessor_fingerprint) WHERE predecessor_fingerprint IS NOT NULL;

-- CAs recognised by support staff at run time (in addition to those of the configuration); a
-- withdrawn one stays for the record.
CREATE TABLE recognised_authorities (
  fingerprint_sha256  char(64) PRIMARY KEY CHECK (fingerprint_sha256 ~ '^[0-9a-f]{64}$'),
  subject             text NOT NULL,
  cert_pem            text NOT NULL,
  not_after           timestamptz NOT NULL,
  added_at            timestamptz NOT NULL,
  added_by            text NOT NULL,
  withdrawn_at        timestamptz,
  withdrawn_by        text
);

-- Every support action on operators, certificates, CAs and promotions: who (the support staff
-- name given to the command line), when, what, on which operator and certificate. Append-only.
CREATE TABLE audit_log (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at                       timestamptz NOT NULL,
  actor                    text NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 100),
  action                   text NOT NULL,
  operator_code            char(4),
  certificate_fingerprint  char(64),
  details                  jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_operator ON audit_log (operator_code, at DESC) WHERE operator_code IS NOT NULL;
CREATE INDEX audit_log_certificate ON audit_log (certificate_fingerprint) WHERE certificate_fingerprint IS NOT NULL;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
