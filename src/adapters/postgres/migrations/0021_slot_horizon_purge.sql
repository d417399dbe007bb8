-- Appointment slots at national scale (issue 16, point 4; decision 0029): the purge of past free
-- slots and the indexes it and the generation need.

-- Every appointment row of a slot, whatever its status. The foreign key rdv_rendezvous_creneau is
-- checked on each deleted slot by looking its id up here, and the generation and the purge ask
-- "does any appointment reference this slot?" (cancelled ones too); the partial unique index
-- rdv_rendezvous_creneau_reserve answers for live appointments only, so without this index each
-- of those questions read the whole table.
CREATE INDEX rdv_rendezvous_creneau ON rdv_rendezvous (creneau_id);

-- The purge walks the past slots in start order, in batches, from where the last run stopped.
CREATE INDEX rdv_creneaux_debut ON rdv_creneaux (debut, id);

-- Where the purge stopped: every free slot starting before `purge_avant` has been deleted (a slot
-- starting in the past is never created again, and one referenced by an appointment stays
-- referenced, so the next run starts there). One row.
CREATE TABLE rdv_purge_creneaux (
  id             boolean PRIMARY KEY DEFAULT true CHECK (id),
  purge_avant    timestamptz NOT NULL,
  derniere_purge timestamptz NOT NULL,
  supprimes      bigint NOT NULL DEFAULT 0
);
