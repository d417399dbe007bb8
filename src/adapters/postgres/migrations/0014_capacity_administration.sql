-- Technicians' capacity administration (issue 14, decision 0018): exceptions to the weekly
-- patterns of 0003 (closures, extra capacity), the provider's own non-working days, and slots
-- withdrawn by a regeneration. A zone stays a commune (INSEE code); closures and non-working
-- days may name a whole département (the communes whose code starts with it) or every zone.

-- A free slot that a regeneration took away but that an appointment row (a cancelled one) still
-- references: kept for that history, never offered again (free slots nobody references are deleted).
ALTER TABLE rdv_creneaux ADD COLUMN retire_le timestamptz;

-- Extra capacity: on one Paris day, in one zone and for one type, `techniciens` technicians take
-- appointments of `duree_minutes` from `debut` to `fin` (HH:MM, Europe/Paris), on top of the patterns.
CREATE TABLE rdv_supplements (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code_insee     text NOT NULL CHECK (code_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
  type_rdv       text NOT NULL CHECK (type_rdv IN ('SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE')),
  jour           date NOT NULL,
  debut          text NOT NULL CHECK (debut ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  fin            text NOT NULL CHECK (fin ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  duree_minutes  integer NOT NULL CHECK (duree_minutes >= 15),
  techniciens    integer NOT NULL CHECK (techniciens BETWEEN 1 AND 100),
  motif          text,
  cree_le        timestamptz NOT NULL,
  cree_par       text NOT NULL,
  CONSTRAINT rdv_supplements_window CHECK (fin > debut)
);
CREATE INDEX rdv_supplements_zone ON rdv_supplements (code_insee, jour);

-- Closures: no free slot is offered in [debut, fin) for the zones of `perimetre` (NULL: every
-- zone; a commune code; a département code) and the type (NULL: every type). Booked slots stay.
CREATE TABLE rdv_fermetures (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  perimetre  text CHECK (perimetre ~ '^([0-9][0-9AB][0-9]{3}|[0-9]{2}|2[AB]|97[1-6])$'),
  type_rdv   text CHECK (type_rdv IN ('SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE')),
  debut      timestamptz NOT NULL,
  fin        timestamptz NOT NULL,
  motif      text NOT NULL,
  cree_le    timestamptz NOT NULL,
  cree_par   text NOT NULL,
  CONSTRAINT rdv_fermetures_range CHECK (fin > debut)
);
CREATE INDEX rdv_fermetures_range ON rdv_fermetures (fin, debut);

-- The provider's non-working days (local holidays, Alsace-Moselle days, bridges…), on top of the
-- national public holidays of date-holidays: treated like a public holiday by the slot generation.
CREATE TABLE rdv_jours_non_travailles (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jour       date NOT NULL,
  perimetre  text CHECK (perimetre ~ '^([0-9][0-9AB][0-9]{3}|[0-9]{2}|2[AB]|97[1-6])$'),
  libelle    text NOT NULL,
  cree_le    timestamptz NOT NULL,
  cree_par   text NOT NULL
);
CREATE UNIQUE INDEX rdv_jours_non_travailles_unique ON rdv_jours_non_travailles (jour, coalesce(perimetre, ''));
