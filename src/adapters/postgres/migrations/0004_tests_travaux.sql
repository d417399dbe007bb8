-- e-SAV Test: asynchronous line tests (the request row is written in the transaction that enqueues
-- its job, see docs/decisions/0008-job-queue.md), every execution attempt of a test, the
-- simulated network's line profiles, and planned works / network incidents with the network
-- elements they impact. The job queue's own tables live in the pgboss schema, created by pg-boss.

CREATE SEQUENCE line_test_reference_seq;

CREATE TABLE line_tests (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the idDemandeTest given to the operator, never reused
  reference         text NOT NULL UNIQUE
                    DEFAULT 'TST-' || lpad(nextval('line_test_reference_seq')::text, 10, '0'),
  operator_code     char(4) NOT NULL REFERENCES operators (code),
  prestation_id     text NOT NULL REFERENCES prestations (identifiant),
  offer_code        text NOT NULL,
  type_test         text NOT NULL CHECK (type_test IN ('ETAT_SYNCHRO', 'MESURE_OPTIQUE', 'ETAT_PORT', 'ETAT_SESSION',
                                                       'REINITIALISATION_PORT')),
  statut            text NOT NULL CHECK (statut IN ('EN_ATTENTE', 'EN_COURS', 'TERMINE', 'ECHEC')),
  verdict           text CHECK (verdict IN ('OK', 'KO', 'INDETERMINE')),
  localisation      text CHECK (localisation IN ('RESEAU_FOURNISSEUR', 'INSTALLATION_CLIENT', 'INDETERMINEE')),
  mesures           jsonb NOT NULL DEFAULT '[]',
  motif_echec       text,
  -- the reason of the last failed attempt (kept for the ECHEC motif once attempts are exhausted)
  derniere_erreur   text,
  -- the ticket the test is linked to (asked with referenceSignalisation, or given at the deposit)
  signalisation_id  bigint REFERENCES signalisations (id),
  requested_at      timestamptz NOT NULL,
  started_at        timestamptz,
  completed_at      timestamptz,
  -- executions started (claims); bounded by the queue's retry limit and checked again at claim
  attempts          integer NOT NULL DEFAULT 0,
  -- the execution allowed to write the result: a run that lost its claim (expired, superseded)
  -- cannot overwrite anything
  run_token         uuid,
  -- the queue job enqueued in the same transaction as this row
  job_id            uuid NOT NULL UNIQUE,
  -- a result exists exactly when the test is TERMINE; an ECHEC always has its reason
  CONSTRAINT line_tests_result CHECK ((statut = 'TERMINE') = (verdict IS NOT NULL)),
  CONSTRAINT line_tests_failure CHECK ((statut = 'ECHEC') = (motif_echec IS NOT NULL)),
  CONSTRAINT line_tests_done CHECK ((statut IN ('TERMINE', 'ECHEC')) = (completed_at IS NOT NULL))
);
CREATE INDEX line_tests_prestation ON line_tests (prestation_id, requested_at DESC);
CREATE INDEX line_tests_operator ON line_tests (operator_code, requested_at DESC);
CREATE INDEX line_tests_signalisation ON line_tests (signalisation_id) WHERE signalisation_id IS NOT NULL;

-- One row per execution attempt: who ran it, when, and how it ended (RESULTAT: the result was
-- recorded by this run; ERREUR: the network element failed, a retry follows; SUPPLANTE: the run
-- finished after losing its claim, its result was discarded). A run that never ends (worker
-- killed) keeps outcome NULL. Exactly one RESULTAT per TERMINE test.
CREATE TABLE line_test_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  test_id     bigint NOT NULL REFERENCES line_tests (id),
  attempt     integer NOT NULL,
  run_token   uuid NOT NULL UNIQUE,
  worker      text NOT NULL,
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  outcome     text CHECK (outcome IN ('RESULTAT', 'ERREUR', 'SUPPLANTE')),
  detail      text
);
CREATE INDEX line_test_runs_test ON line_test_runs (test_id);
CREATE UNIQUE INDEX line_test_runs_one_result ON line_test_runs (test_id) WHERE outcome = 'RESULTAT';

-- The deterministic network simulator: how a line behaves (demo data and tests set it; a line
-- without a row is healthy unless an open incident impacts it).
CREATE TABLE simulated_lines (
  prestation_id  text PRIMARY KEY REFERENCES prestations (identifiant),
  profil         text NOT NULL CHECK (profil IN ('SAIN', 'DEFAUT_CLIENT', 'DEFAUT_RESEAU', 'DEGRADE', 'INJOIGNABLE'))
);

CREATE SEQUENCE travaux_reference_seq;

-- Planned works (TRAVAUX_PROGRAMMES, Interop'Fibre "TP") and network incidents (INCIDENT, "DERCO").
CREATE TABLE travaux (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference                text NOT NULL UNIQUE
                           DEFAULT 'TRV-' || lpad(nextval('travaux_reference_seq')::text, 10, '0'),
  nature                   text NOT NULL CHECK (nature IN ('TRAVAUX_PROGRAMMES', 'INCIDENT')),
  etat                     text NOT NULL CHECK (etat IN ('NOUVEAU', 'MAJ', 'REPLANIFICATION', 'CLOTURE', 'ANNULE')),
  libelle                  text NOT NULL,
  -- the network element concerned: PM, PMT, PBO, LIENPMPBO (FTTH, published under Interop'Fibre),
  -- or another code (NRA, DSLAM, OLT, COLLECTE…)
  equipement               text NOT NULL,
  reference_pm             text,
  reference_pm_technique   text,
  date_debut               timestamptz NOT NULL,
  date_fin                 timestamptz,
  intervention_requise_oc  boolean NOT NULL DEFAULT false,
  travaux_curatifs         boolean,
  nature_intervention      text CHECK (nature_intervention IN ('DEPL', 'REFE', 'DSCM', 'EXTE', 'INGE', 'CHGC', 'AUTR')),
  commentaire              text CHECK (char_length(commentaire) <= 512),
  contact_oi               text,
  reference_incident       text,
  created_at               timestamptz NOT NULL,
  updated_at               timestamptz NOT NULL,
  -- set on CLOTURE and ANNULE; still published for at least 8 days after it
  closed_at                timestamptz,
  row_version              integer NOT NULL DEFAULT 1,
  CONSTRAINT travaux_dates CHECK (date_fin IS NULL OR date_fin > date_debut),
  CONSTRAINT travaux_closed CHECK ((etat IN ('CLOTURE', 'ANNULE')) = (closed_at IS NOT NULL))
);
CREATE INDEX travaux_debut ON travaux (date_debut);
CREATE INDEX travaux_open ON travaux (closed_at);

-- What a work or incident impacts: network elements matched against the prestations
-- (type PM/NRA/OLT…: an extremite of that type and reference; PBO: the PBO information;
-- ZONE: the prestation's INSEE code).
CREATE TABLE travaux_perimetre (
  travaux_id  bigint NOT NULL REFERENCES travaux (id) ON DELETE CASCADE,
  type        text NOT NULL CHECK (type ~ '^[A-Z0-9_]{1,32}$'),
  reference   text NOT NULL,
  PRIMARY KEY (travaux_id, type, reference)
);
CREATE INDEX travaux_perimetre_element ON travaux_perimetre (type, reference);

-- The network elements of each prestation a work or an incident can impact: every extremite with
-- a reference (PM, PTO, NRA, OLT…), its PBO / PMT (informations), its zone (INSEE code).
-- travaux_perimetre rows are matched against it on (type, reference).
CREATE VIEW prestation_elements AS
  SELECT p.identifiant AS prestation_id, p.operator_code, p.offer_code, e->>'type' AS type, e->>'reference' AS reference
    FROM prestations p CROSS JOIN LATERAL jsonb_array_elements(p.extremites) e
   WHERE e->>'reference' IS NOT NULL
  UNION ALL
  SELECT p.identifiant, p.operator_code, p.offer_code, i->>'code', i->>'valeur'
    FROM prestations p CROSS JOIN LATERAL jsonb_array_elements(p.informations) i
   WHERE i->>'code' IN ('PBO', 'PMT')
  UNION ALL
  SELECT p.identifiant, p.operator_code, p.offer_code, 'ZONE', p.code_insee
    FROM prestations p
   WHERE p.code_insee IS NOT NULL;

-- Tests linked to a signalisation through its idDemandeTest (the prior test of the deposit).
CREATE INDEX signalisations_test_prealable ON signalisations (operator_code, id_demande_test) WHERE id_demande_test IS NOT NULL;
