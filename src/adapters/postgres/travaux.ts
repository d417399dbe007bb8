// SQL of planned works and network incidents: the work, its perimeter (the network elements it
// impacts), and the match with the operators' prestations through the prestation_elements view
// (migration 0004): a perimeter row (type, reference) impacts every prestation having that element.
import type { ElementReseau, EtatTravaux, NatureIntervention, NatureTravaux } from '../../domain/travaux.js';
import type { ImpactFilter, NewTravaux, Travaux, TravauxChanges, TravauxImpact, TravauxRepository } from '../../application/line-test-ports.js';
import type { Database, Queryable } from './db.js';

interface TravauxRow {
  id: number;
  reference: string;
  nature: string;
  etat: string;
  libelle: string;
  equipement: string;
  reference_pm: string | null;
  reference_pm_technique: string | null;
  date_debut: Date;
  date_fin: Date | null;
  intervention_requise_oc: boolean;
  travaux_curatifs: boolean | null;
  nature_intervention: string | null;
  commentaire: string | null;
  contact_oi: string | null;
  reference_incident: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  perimetre: ElementReseau[];
}

const COLUMNS = `t.id, t.reference, t.nature, t.etat, t.libelle, t.equipement, t.reference_pm, t.reference_pm_technique,
  t.date_debut, t.date_fin, t.intervention_requise_oc, t.travaux_curatifs, t.nature_intervention, t.commentaire, t.contact_oi,
  t.reference_incident, t.created_at, t.updated_at, t.closed_at,
  (SELECT COALESCE(jsonb_agg(jsonb_build_object('type', p.type, 'reference', p.reference) ORDER BY p.type, p.reference), '[]'::jsonb)
     FROM travaux_perimetre p WHERE p.travaux_id = t.id) AS perimetre`;

const FTTH_EQUIPEMENTS = `('PM', 'PMT', 'PBO', 'LIENPMPBO')`;

function toTravaux(r: TravauxRow): Travaux {
  return {
    id: Number(r.id),
    reference: r.reference,
    nature: r.nature as NatureTravaux,
    etat: r.etat as EtatTravaux,
    libelle: r.libelle,
    equipement: r.equipement,
    referencePm: r.reference_pm,
    referencePmTechnique: r.reference_pm_technique,
    dateDebut: r.date_debut,
    dateFin: r.date_fin,
    interventionRequiseOC: r.intervention_requise_oc,
    travauxCuratifs: r.travaux_curatifs,
    natureIntervention: r.nature_intervention as NatureIntervention | null,
    commentaire: r.commentaire,
    contactOI: r.contact_oi,
    referenceIncident: r.reference_incident,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    perimetre: r.perimetre,
  };
}

async function writePerimeter(q: Queryable, travauxId: number, perimetre: readonly ElementReseau[]): Promise<void> {
  await q.query('DELETE FROM travaux_perimetre WHERE travaux_id = $1', [travauxId]);
  await q.query(
    `INSERT INTO travaux_perimetre (travaux_id, type, reference)
     SELECT $1, e.type, e.reference FROM unnest($2::text[], $3::text[]) AS e(type, reference)
     ON CONFLICT DO NOTHING`,
    [travauxId, perimetre.map((e) => e.type), perimetre.map((e) => e.reference)],
  );
}

export class SqlTravauxRepository implements TravauxRepository {
  constructor(private readonly db: Database) {}

  async insert(n: NewTravaux): Promise<Travaux | undefined> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: number }>(
        `INSERT INTO travaux (reference, nature, etat, libelle, equipement, reference_pm, reference_pm_technique, date_debut, date_fin,
           intervention_requise_oc, travaux_curatifs, nature_intervention, commentaire, contact_oi, reference_incident, created_at, updated_at)
         VALUES (COALESCE($1, 'TRV-' || lpad(nextval('travaux_reference_seq')::text, 10, '0')), $2, 'NOUVEAU', $3, $4, $5, $6, $7, $8,
                 $9, $10, $11, $12, $13, $14, $15, $15)
         ON CONFLICT (reference) DO NOTHING RETURNING id`,
        [
          n.reference ?? null,
          n.nature,
          n.libelle,
          n.equipement,
          n.referencePm ?? null,
          n.referencePmTechnique ?? null,
          n.dateDebut,
          n.dateFin ?? null,
          n.interventionRequiseOC,
          n.travauxCuratifs ?? null,
          n.natureIntervention ?? null,
          n.commentaire ?? null,
          n.contactOI ?? null,
          n.referenceIncident ?? null,
          n.at,
        ],
      );
      const id = rows[0]?.id;
      if (id === undefined) return undefined;
      await writePerimeter(tx, Number(id), n.perimetre);
      const [row] = await tx.query<TravauxRow>(`SELECT ${COLUMNS} FROM travaux t WHERE t.id = $1`, [id]);
      return toTravaux(row!);
    });
  }

  async find(reference: string): Promise<Travaux | undefined> {
    const rows = await this.db.query<TravauxRow>(`SELECT ${COLUMNS} FROM travaux t WHERE t.reference = $1`, [reference]);
    return rows[0] ? toTravaux(rows[0]) : undefined;
  }

  async update(
    reference: string,
    decide: (current: Travaux) => { etat: EtatTravaux; changes: TravauxChanges; closedAt?: Date },
    at: Date,
  ): Promise<Travaux | undefined> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<TravauxRow>(`SELECT ${COLUMNS} FROM travaux t WHERE t.reference = $1 FOR UPDATE OF t`, [reference]);
      if (!rows[0]) return undefined;
      const current = toTravaux(rows[0]);
      const { etat, changes: c, closedAt } = decide(current);
      const keep = <T>(value: T | undefined, old: T): T => (value === undefined ? old : value);
      await tx.query(
        `UPDATE travaux SET etat = $2, libelle = $3, date_debut = $4, date_fin = $5, intervention_requise_oc = $6, travaux_curatifs = $7,
                nature_intervention = $8, commentaire = $9, contact_oi = $10, reference_incident = $11, updated_at = $12,
                closed_at = $13, row_version = row_version + 1
          WHERE id = $1`,
        [
          current.id,
          etat,
          keep(c.libelle, current.libelle),
          keep(c.dateDebut, current.dateDebut),
          keep(c.dateFin, current.dateFin),
          keep(c.interventionRequiseOC, current.interventionRequiseOC),
          keep(c.travauxCuratifs, current.travauxCuratifs),
          keep(c.natureIntervention, current.natureIntervention),
          keep(c.commentaire, current.commentaire),
          keep(c.contactOI, current.contactOI),
          keep(c.referenceIncident, current.referenceIncident),
          at,
          closedAt ?? current.closedAt,
        ],
      );
      if (c.perimetre) await writePerimeter(tx, current.id, c.perimetre);
      const [row] = await tx.query<TravauxRow>(`SELECT ${COLUMNS} FROM travaux t WHERE t.id = $1`, [current.id]);
      return toTravaux(row!);
    });
  }

  async list(filter: { openOnly: boolean; limit: number }): Promise<Travaux[]> {
    const rows = await this.db.query<TravauxRow>(
      `SELECT ${COLUMNS} FROM travaux t WHERE ($1::boolean IS FALSE OR t.closed_at IS NULL) ORDER BY t.date_debut DESC, t.id DESC LIMIT $2`,
      [filter.openOnly, filter.limit],
    );
    return rows.map(toTravaux);
  }

  async impacting(f: ImpactFilter): Promise<TravauxImpact[]> {
    const rows = await this.db.query<TravauxRow & { prestations: string[]; prises: string[] }>(
      `WITH impacted AS (
         SELECT DISTINCT tp.travaux_id, pe.prestation_id
           FROM travaux_perimetre tp
           JOIN prestation_elements pe ON pe.type = tp.type AND pe.reference = tp.reference
          WHERE pe.operator_code = $1
            AND ($2::text IS NULL OR pe.prestation_id = $2)
            AND ($3::text[] IS NULL OR pe.offer_code = ANY ($3::text[]))
       )
       SELECT ${COLUMNS},
              array_agg(DISTINCT i.prestation_id ORDER BY i.prestation_id) AS prestations,
              COALESCE(array_agg(DISTINCT pto.reference ORDER BY pto.reference) FILTER (WHERE pto.reference IS NOT NULL), '{}') AS prises
         FROM travaux t
         JOIN impacted i ON i.travaux_id = t.id
         LEFT JOIN prestation_elements pto ON pto.prestation_id = i.prestation_id AND pto.type = 'PTO'
        WHERE (t.closed_at IS NULL OR t.closed_at >= $4)
          AND ($5::timestamptz IS NULL OR (t.date_debut < $6 AND (t.date_fin IS NULL OR t.date_fin > $5)))
          AND ($7::boolean IS FALSE OR (t.equipement IN ${FTTH_EQUIPEMENTS} AND t.reference_pm IS NOT NULL))
        GROUP BY t.id
        ORDER BY t.date_debut, t.id
        LIMIT $8`,
      [
        f.operatorCode,
        f.prestationId ?? null,
        f.offerCodes ? [...f.offerCodes] : null,
        f.visibleSince,
        f.overlap?.debut ?? null,
        f.overlap?.fin ?? null,
        f.ftthOnly ?? false,
        f.limit,
      ],
    );
    return rows.map((r) => ({ travaux: toTravaux(r), prestations: r.prestations, prises: r.prises }));
  }

  async openIncidents(prestationId: string, at: Date): Promise<string[]> {
    const rows = await this.db.query<{ reference: string }>(
      `SELECT DISTINCT t.reference
         FROM travaux t
         JOIN travaux_perimetre tp ON tp.travaux_id = t.id
         JOIN prestation_elements pe ON pe.type = tp.type AND pe.reference = tp.reference
        WHERE pe.prestation_id = $1 AND t.nature = 'INCIDENT' AND t.closed_at IS NULL AND t.date_debut <= $2
        ORDER BY t.reference`,
      [prestationId, at],
    );
    return rows.map((r) => r.reference);
  }
}
