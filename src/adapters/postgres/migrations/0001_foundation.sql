-- Foundation schema: operators, profiles and their client certificates; prestations;
-- signalisations with their append-only state history and comments.

CREATE TABLE profiles (
  name        text PRIMARY KEY,
  libelle     text NOT NULL,
  -- operation names granted; '*' grants every operation
  operations  text[] NOT NULL
);

CREATE TABLE operators (
  code            char(4) PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{4}$'),
  siret           char(14) NOT NULL UNIQUE CHECK (siret ~ '^[0-9]{14}$'),
  raison_sociale  text NOT NULL,
  -- where the operator is enabled: it starts in integration, support staff promote it
  platform        text NOT NULL DEFAULT 'integration' CHECK (platform IN ('integration', 'production')),
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE client_certificates (
  fingerprint_sha256  char(64) PRIMARY KEY CHECK (fingerprint_sha256 ~ '^[0-9a-f]{64}$'),
  operator_code       char(4) NOT NULL REFERENCES operators (code),
  profile_name        text NOT NULL REFERENCES profiles (name),
  subject             text NOT NULL,
  issuer              text NOT NULL,
  serial_number       text NOT NULL,
  not_before          timestamptz NOT NULL,
  not_after           timestamptz NOT NULL,
  -- FOURNISSEUR: issued by the provider's CA; AC_RECONNUE: from a recognised external CA
  origin              text NOT NULL CHECK (origin IN ('FOURNISSEUR', 'AC_RECONNUE')),
  registered_at       timestamptz NOT NULL DEFAULT now(),
  revoked_at          timestamptz
);
CREATE INDEX client_certificates_operator ON client_certificates (operator_code);

CREATE TABLE prestations (
  identifiant     text PRIMARY KEY,
  operator_code   char(4) NOT NULL REFERENCES operators (code),
  offer_code      text NOT NULL,
  code_insee      text,
  gtr_code        text NOT NULL,
  extremites      jsonb NOT NULL DEFAULT '[]',
  informations    jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX prestations_operator ON prestations (operator_code);

CREATE SEQUENCE signalisation_reference_seq;

CREATE TABLE signalisations (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference                text NOT NULL UNIQUE
                           DEFAULT 'SIG-' || lpad(nextval('signalisation_reference_seq')::text, 10, '0'),
  operator_code            char(4) NOT NULL REFERENCES operators (code),
  reference_interne_oc     text NOT NULL,
  prestation_id            text NOT NULL REFERENCES prestations (identifiant),
  offer_code               text NOT NULL,
  form_id                  text NOT NULL,
  form_version             integer NOT NULL,
  defaut_declare           text NOT NULL,
  impact                   text NOT NULL CHECK (impact IN ('TOTAL', 'DEGRADE', 'INTERMITTENT')),
  date_debut_defaut        timestamptz,
  localisation_presumee    text,
  contact_site             jsonb NOT NULL,
  contact_oc               jsonb NOT NULL,
  acces_site               jsonb,
  commentaire              text,
  champs                   jsonb NOT NULL DEFAULT '[]',
  id_demande_test          text,
  etat                     text NOT NULL CHECK (etat IN ('EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE',
                                                         'CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'EN_REJET')),
  date_etat                timestamptz NOT NULL,
  motif                    text,
  garantie_code            text NOT NULL,
  echeance_retablissement  timestamptz,
  cause_cloture            text,
  date_cloture             timestamptz,
  deposited_at             timestamptz NOT NULL,
  -- optimistic version, bumped by every change of the row
  row_version              integer NOT NULL DEFAULT 1,
  -- idempotent deposit: one signalisation per operator and operator reference
  CONSTRAINT signalisations_operator_reference UNIQUE (operator_code, reference_interne_oc)
);
CREATE INDEX signalisations_operator_deposited ON signalisations (operator_code, deposited_at DESC, id DESC);
CREATE INDEX signalisations_prestation ON signalisations (prestation_id);

CREATE TABLE signalisation_history (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  signalisation_id  bigint NOT NULL REFERENCES signalisations (id),
  at                timestamptz NOT NULL,
  from_state        text,
  to_state          text NOT NULL,
  actor             text NOT NULL CHECK (actor IN ('OPERATEUR', 'SAV', 'SYSTEME')),
  motif             text
);
CREATE INDEX signalisation_history_signalisation ON signalisation_history (signalisation_id, id);

-- History is append-only: no row is ever changed or removed.
CREATE FUNCTION signalisation_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'signalisation_history is append-only';
END;
$$;
CREATE TRIGGER signalisation_history_no_update_delete
  BEFORE UPDATE OR DELETE ON signalisation_history
  FOR EACH ROW EXECUTE FUNCTION signalisation_history_append_only();
CREATE TRIGGER signalisation_history_no_truncate
  BEFORE TRUNCATE ON signalisation_history
  FOR EACH STATEMENT EXECUTE FUNCTION signalisation_history_append_only();

CREATE TABLE signalisation_comments (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  signalisation_id  bigint NOT NULL REFERENCES signalisations (id),
  at                timestamptz NOT NULL,
  author            text NOT NULL CHECK (author IN ('OPERATEUR', 'SAV', 'SYSTEME')),
  texte             text NOT NULL
);
CREATE INDEX signalisation_comments_signalisation ON signalisation_comments (signalisation_id, id);
