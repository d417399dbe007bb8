-- Appointments (rendez-vous SAV, SAV+, expertise contradictoire): the capacity model — weekly
-- working patterns per zone (INSEE commune code) and appointment type, generated into technician
-- slots over a rolling horizon — and the appointments booked on those slots. The rule "a slot is
-- booked at most once" is a unique index of the database, whatever the code does.

CREATE TABLE rdv_plannings (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code_insee     text NOT NULL CHECK (code_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
  type_rdv       text NOT NULL CHECK (type_rdv IN ('SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE')),
  -- ISO weekday: 1 = Monday … 7 = Sunday
  jour           smallint NOT NULL CHECK (jour BETWEEN 1 AND 7),
  -- Europe/Paris wall-clock times, HH:MM
  debut          text NOT NULL CHECK (debut ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  fin            text NOT NULL CHECK (fin ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  duree_minutes  integer NOT NULL CHECK (duree_minutes >= 15),
  techniciens    integer NOT NULL CHECK (techniciens BETWEEN 1 AND 100),
  jours_feries   boolean NOT NULL DEFAULT false,
  CONSTRAINT rdv_plannings_window CHECK (fin > debut),
  CONSTRAINT rdv_plannings_unique UNIQUE (code_insee, type_rdv, jour, debut)
);

-- One row per technician and window: `technicien` numbers the parallel capacity of a window.
CREATE TABLE rdv_creneaux (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code_insee  text NOT NULL,
  type_rdv    text NOT NULL CHECK (type_rdv IN ('SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE')),
  debut       timestamptz NOT NULL,
  fin         timestamptz NOT NULL,
  technicien  smallint NOT NULL CHECK (technicien >= 1),
  CONSTRAINT rdv_creneaux_window CHECK (fin > debut),
  -- generation is idempotent (ON CONFLICT DO NOTHING); this also serves the slot search
  CONSTRAINT rdv_creneaux_unique UNIQUE (code_insee, type_rdv, debut, technicien),
  -- target of the appointments' (slot, type) foreign key
  CONSTRAINT rdv_creneaux_id_type UNIQUE (id, type_rdv)
);

-- The days of each zone whose slots have been generated: [genere_du, genere_au], Paris days.
CREATE TABLE rdv_zones (
  code_insee  text PRIMARY KEY,
  genere_du   date NOT NULL,
  genere_au   date NOT NULL,
  CONSTRAINT rdv_zones_range CHECK (genere_au >= genere_du)
);

CREATE SEQUENCE rdv_reference_seq;

CREATE TABLE rdv_rendezvous (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference         text NOT NULL UNIQUE
                    DEFAULT 'RDV-' || lpad(nextval('rdv_reference_seq')::text, 10, '0'),
  operator_code     char(4) NOT NULL REFERENCES operators (code),
  -- the operator's signalisation the appointment is for (e-SAV); NULL when booked through the
  -- Interop'Fibre contract, which names no ticket
  signalisation_id  bigint REFERENCES signalisations (id),
  creneau_id        bigint NOT NULL,
  type_rdv          text NOT NULL,
  statut            text NOT NULL CHECK (statut IN ('RESERVE', 'ANNULE')),
  canal             text NOT NULL CHECK (canal IN ('ESAV', 'INTEROP')),
  -- Interop'Fibre natureProduit / segmentMarche, restituted by consultationRdv
  nature_produit    text,
  segment_marche    text,
  reserve_le        timestamptz NOT NULL,
  modifie_le        timestamptz NOT NULL,
  reports           integer NOT NULL DEFAULT 0,
  annule_le         timestamptz,
  -- the appointment's type is its slot's type
  CONSTRAINT rdv_rendezvous_creneau FOREIGN KEY (creneau_id, type_rdv) REFERENCES rdv_creneaux (id, type_rdv),
  CONSTRAINT rdv_rendezvous_annule CHECK ((statut = 'ANNULE') = (annule_le IS NOT NULL))
);

-- A slot is booked at most once: one live appointment per slot, even under concurrent requests
-- (a racing INSERT waits for the first to commit, then conflicts).
CREATE UNIQUE INDEX rdv_rendezvous_creneau_reserve ON rdv_rendezvous (creneau_id) WHERE statut = 'RESERVE';
-- At most one live appointment of each type per signalisation (moving it is reporterRendezVous).
CREATE UNIQUE INDEX rdv_rendezvous_signalisation_type ON rdv_rendezvous (signalisation_id, type_rdv)
  WHERE statut = 'RESERVE' AND signalisation_id IS NOT NULL;
-- the detail's list of a ticket's appointments
CREATE INDEX rdv_rendezvous_signalisation ON rdv_rendezvous (signalisation_id, id) WHERE signalisation_id IS NOT NULL;
