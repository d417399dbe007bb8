// SQL of the signalisation aggregate: the ticket, its append-only history and its comments.
import type { Acteur, Etat, Impact } from '../domain/signalisation.js';
import type {
  CommentEntry,
  HistoryEntry,
  NewSignalisation,
  Signalisation,
  SignalisationKey,
  SignalisationRepository,
} from '../services/signalisation-ports.js';
import type { Database } from './db.js';

interface SignalisationRow {
  id: number;
  reference: string;
  operator_code: string;
  reference_interne_oc: string;
  prestation_id: string;
  offer_code: string;
  form_id: string;
  form_version: number;
  defaut_declare: string;
  impact: string;
  date_debut_defaut: Date | null;
  localisation_presumee: string | null;
  contact_site: Signalisation['contactSite'];
  contact_oc: Signalisation['contactOC'];
  acces_site: Signalisation['accesSite'];
  commentaire: string | null;
  champs: Signalisation['champs'];
  id_demande_test: string | null;
  etat: string;
  date_etat: Date;
  motif: string | null;
  garantie_code: string;
  echeance_retablissement: Date | null;
  cause_cloture: string | null;
  date_cloture: Date | null;
  deposited_at: Date;
}

const COLUMNS = `id, reference, operator_code, reference_interne_oc, prestation_id, offer_code, form_id, form_version,
  defaut_declare, impact, date_debut_defaut, localisation_presumee, contact_site, contact_oc, acces_site, commentaire,
  champs, id_demande_test, etat, date_etat, motif, garantie_code, echeance_retablissement, cause_cloture, date_cloture,
  deposited_at`;

function toSignalisation(r: SignalisationRow): Signalisation {
  return {
    id: Number(r.id),
    reference: r.reference,
    operatorCode: r.operator_code,
    referenceInterneOC: r.reference_interne_oc,
    prestationId: r.prestation_id,
    offerCode: r.offer_code,
    formulaire: { idFormulaire: r.form_id, version: r.form_version },
    defautDeclare: r.defaut_declare,
    impact: r.impact as Impact,
    dateDebutDefaut: r.date_debut_defaut,
    localisationPresumee: r.localisation_presumee,
    contactSite: r.contact_site,
    contactOC: r.contact_oc,
    accesSite: r.acces_site,
    commentaire: r.commentaire,
    champs: r.champs,
    idDemandeTest: r.id_demande_test,
    etat: r.etat as Etat,
    dateEtat: r.date_etat,
    motif: r.motif,
    garantieCode: r.garantie_code,
    echeanceRetablissement: r.echeance_retablissement,
    causeCloture: r.cause_cloture,
    dateCloture: r.date_cloture,
    depositedAt: r.deposited_at,
  };
}

export class SqlSignalisationRepository implements SignalisationRepository {
  constructor(private readonly db: Database) {}

  async depositOnce(s: NewSignalisation): Promise<{ signalisation: Signalisation; created: boolean }> {
    return this.db.transaction(async (tx) => {
      // ON CONFLICT DO NOTHING waits for a concurrent identical deposit to commit, then yields
      // no row: the second request reads and returns the first one.
      const inserted = await tx.query<SignalisationRow>(
        `INSERT INTO signalisations (operator_code, reference_interne_oc, prestation_id, offer_code, form_id, form_version,
           defaut_declare, impact, date_debut_defaut, localisation_presumee, contact_site, contact_oc, acces_site,
           commentaire, champs, id_demande_test, etat, date_etat, garantie_code, echeance_retablissement, deposited_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $18)
         ON CONFLICT ON CONSTRAINT signalisations_operator_reference DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          s.operatorCode,
          s.referenceInterneOC,
          s.prestationId,
          s.offerCode,
          s.formulaire.idFormulaire,
          s.formulaire.version,
          s.defautDeclare,
          s.impact,
          s.dateDebutDefaut ?? null,
          s.localisationPresumee ?? null,
          JSON.stringify(s.contactSite),
          JSON.stringify(s.contactOC),
          s.accesSite ? JSON.stringify(s.accesSite) : null,
          s.commentaire ?? null,
          JSON.stringify(s.champs),
          s.idDemandeTest ?? null,
          s.etat,
          s.depositedAt,
          s.garantieCode,
          s.echeanceRetablissement ?? null,
        ],
      );
      const row = inserted[0];
      if (!row) {
        const existing = await tx.query<SignalisationRow>(
          `SELECT ${COLUMNS} FROM signalisations WHERE operator_code = $1 AND reference_interne_oc = $2`,
          [s.operatorCode, s.referenceInterneOC],
        );
        if (!existing[0]) throw new Error('deposit conflict without an existing signalisation');
        return { signalisation: toSignalisation(existing[0]), created: false };
      }
      await tx.query(
        `INSERT INTO signalisation_history (signalisation_id, at, from_state, to_state, actor, motif)
         VALUES ($1, $2, NULL, $3, $4, $5)`,
        [row.id, s.depositedAt, s.etat, s.firstHistory.actor, s.firstHistory.motif],
      );
      return { signalisation: toSignalisation(row), created: true };
    });
  }

  async find(operatorCode: string, key: SignalisationKey): Promise<Signalisation | undefined> {
    const [column, value] =
      'referenceSignalisation' in key
        ? ['reference', key.referenceSignalisation]
        : ['reference_interne_oc', key.referenceInterneOC];
    const rows = await this.db.query<SignalisationRow>(
      `SELECT ${COLUMNS} FROM signalisations WHERE operator_code = $1 AND ${column} = $2`,
      [operatorCode, value],
    );
    return rows[0] ? toSignalisation(rows[0]) : undefined;
  }

  async history(signalisationId: number): Promise<HistoryEntry[]> {
    const rows = await this.db.query<{ at: Date; from_state: string | null; to_state: string; actor: string; motif: string | null }>(
      'SELECT at, from_state, to_state, actor, motif FROM signalisation_history WHERE signalisation_id = $1 ORDER BY id',
      [signalisationId],
    );
    return rows.map((r) => ({
      at: r.at,
      from: r.from_state as Etat | null,
      to: r.to_state as Etat,
      actor: r.actor as Acteur,
      motif: r.motif,
    }));
  }

  async comments(signalisationId: number): Promise<CommentEntry[]> {
    const rows = await this.db.query<{ at: Date; author: string; texte: string }>(
      'SELECT at, author, texte FROM signalisation_comments WHERE signalisation_id = $1 ORDER BY id',
      [signalisationId],
    );
    return rows.map((r) => ({ at: r.at, author: r.author as Acteur, texte: r.texte }));
  }
}
