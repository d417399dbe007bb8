// SQL of the signalisation aggregate: the ticket, its append-only history and its comments.
import type { Acteur, Attente, Etat, Impact } from '../../domain/signalisation.js';
import type {
  ClosedFilter,
  CommentEntry,
  HistoryEntry,
  ListFilter,
  NewSignalisation,
  PagePosition,
  Signalisation,
  SignalisationChange,
  SignalisationKey,
  SignalisationRepository,
  SignalisationStateView,
} from '../../application/signalisation-ports.js';
import { prepared, type Database, type Queryable } from './db.js';
import { recordTicketEvent } from './push.js';
import { insertAudit } from './audit-log.js';

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
  attente: string | null;
  garantie_code: string;
  gtr_consumed_ms: number | string;
  gtr_running_since: Date | null;
  echeance_retablissement: Date | null;
  cause_cloture: string | null;
  date_cloture: Date | null;
  deposited_at: Date;
}

const COLUMNS = `id, reference, operator_code, reference_interne_oc, prestation_id, offer_code, form_id, form_version,
  defaut_declare, impact, date_debut_defaut, localisation_presumee, contact_site, contact_oc, acces_site, commentaire,
  champs, id_demande_test, etat, date_etat, motif, attente, garantie_code, echeance_retablissement, gtr_consumed_ms,
  gtr_running_since, cause_cloture, date_cloture, deposited_at`;

// The hot statements, prepared once per pooled connection (src/adapters/postgres/db.ts).
const DEPOSIT = prepared(
  `WITH ticket AS (
     INSERT INTO signalisations (operator_code, reference_interne_oc, prestation_id, offer_code, form_id, form_version,
       defaut_declare, impact, date_debut_defaut, localisation_presumee, contact_site, contact_oc, acces_site,
       commentaire, champs, id_demande_test, etat, date_etat, garantie_code, echeance_retablissement, deposited_at,
       gtr_consumed_ms, gtr_running_since)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $18, $21, $22)
     ON CONFLICT ON CONSTRAINT signalisations_operator_reference DO NOTHING
     RETURNING ${COLUMNS}
   ), first_history AS (
     INSERT INTO signalisation_history (signalisation_id, at, from_state, to_state, actor, motif)
     SELECT id, $18, NULL, $17, $23, $24 FROM ticket
   )
   SELECT ${COLUMNS} FROM ticket`,
);
const STATE_COLUMNS = 'reference, reference_interne_oc, etat, date_etat, motif, date_cloture';
const STATE_BY_REFERENCE = prepared(`SELECT ${STATE_COLUMNS} FROM signalisations WHERE reference = $1 AND operator_code = $2`);
const STATE_BY_REFERENCE_INTERNE_OC = prepared(
  `SELECT ${STATE_COLUMNS} FROM signalisations WHERE reference_interne_oc = $1 AND operator_code = $2`,
);
const HISTORY = prepared('SELECT at, from_state, to_state, actor, motif FROM signalisation_history WHERE signalisation_id = $1 ORDER BY id');
const COMMENTS = prepared('SELECT at, author, texte FROM signalisation_comments WHERE signalisation_id = $1 ORDER BY id');

interface StateRow {
  reference: string;
  reference_interne_oc: string;
  etat: string;
  date_etat: Date;
  motif: string | null;
  date_cloture: Date | null;
}

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
    attente: r.attente as Attente | null,
    garantieCode: r.garantie_code,
    echeanceRetablissement: r.echeance_retablissement,
    guaranteeClock: { consumedMs: Number(r.gtr_consumed_ms), runningSince: r.gtr_running_since },
    causeCloture: r.cause_cloture,
    dateCloture: r.date_cloture,
    depositedAt: r.deposited_at,
  };
}

export class SqlSignalisationRepository implements SignalisationRepository {
  /** listBound's values: per operator, for one window start. */
  private readonly listBounds = new Map<string, { windowStart: number; bound: string }>();

  constructor(private readonly db: Database) {}

  async depositOnce(s: NewSignalisation): Promise<{ signalisation: Signalisation; created: boolean }> {
    // One statement, so one round trip and its own transaction: the ticket and its first history
    // row are written together or not at all. ON CONFLICT DO NOTHING waits for a concurrent
    // identical deposit to commit, then yields no row: the second request reads and returns the
    // first one (a new statement, so a new snapshot that sees it).
    const [row] = await this.db.query<SignalisationRow>(DEPOSIT, [
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
      s.guaranteeClock.consumedMs,
      s.guaranteeClock.runningSince,
      s.firstHistory.actor,
      s.firstHistory.motif,
    ]);
    if (row) return { signalisation: toSignalisation(row), created: true };
    const [existing] = await selectByKey(this.db, s.operatorCode, { referenceInterneOC: s.referenceInterneOC }, false);
    if (!existing) throw new Error('deposit conflict without an existing signalisation');
    return { signalisation: toSignalisation(existing), created: false };
  }

  async find(operatorCode: string | null, key: SignalisationKey): Promise<Signalisation | undefined> {
    const rows = await selectByKey(this.db, operatorCode, key, false);
    return rows[0] ? toSignalisation(rows[0]) : undefined;
  }

  async findState(operatorCode: string, key: SignalisationKey): Promise<SignalisationStateView | undefined> {
    const byReference = 'referenceSignalisation' in key;
    const [r] = await this.db.query<StateRow>(byReference ? STATE_BY_REFERENCE : STATE_BY_REFERENCE_INTERNE_OC, [
      byReference ? key.referenceSignalisation : key.referenceInterneOC,
      operatorCode,
    ]);
    if (!r) return undefined;
    return {
      reference: r.reference,
      referenceInterneOC: r.reference_interne_oc,
      etat: r.etat as Etat,
      dateEtat: r.date_etat,
      motif: r.motif,
      dateCloture: r.date_cloture,
    };
  }

  async update(
    operatorCode: string | null,
    key: SignalisationKey,
    decide: (current: Signalisation) => SignalisationChange,
  ): Promise<Signalisation | undefined> {
    return this.db.transaction(async (tx) => {
      // FOR UPDATE: concurrent changes of one ticket are applied one after the other, each
      // deciding from the state the previous one left.
      const [row] = await selectByKey(tx, operatorCode, key, true);
      if (!row) return undefined;
      const current = toSignalisation(row);
      const change = decide(current);
      const sets: string[] = ['row_version = row_version + 1'];
      const params: unknown[] = [current.id];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (change.state) {
        set('etat', change.state.etat);
        set('date_etat', change.state.dateEtat);
        set('motif', change.state.motif);
        set('attente', change.state.attente);
        set('cause_cloture', change.state.causeCloture);
        set('date_cloture', change.state.dateCloture);
      }
      if (change.guarantee) {
        set('gtr_consumed_ms', change.guarantee.consumedMs);
        set('gtr_running_since', change.guarantee.runningSince);
        set('echeance_retablissement', change.guarantee.echeance);
      }
      if (change.contactSite) set('contact_site', JSON.stringify(change.contactSite));
      if (change.accesSite) set('acces_site', JSON.stringify(change.accesSite));
      if (change.champs) set('champs', JSON.stringify(change.champs));
      const [updated] = await tx.query<SignalisationRow>(
        `UPDATE signalisations SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
        params,
      );
      if (change.history) {
        const h = change.history;
        await tx.query(
          `INSERT INTO signalisation_history (signalisation_id, at, from_state, to_state, actor, motif) VALUES ($1, $2, $3, $4, $5, $6)`,
          [current.id, h.at, h.from, h.to, h.actor, h.motif],
        );
        // The push outbox (decision 0023): in this transaction, after the state is written.
        await recordTicketEvent(tx, { signalisationId: current.id }, { kind: 'CHANGEMENT_ETAT', etatPrecedent: h.from, motif: h.motif }, h.at);
      }
      if (change.comment) {
        const c = change.comment;
        await tx.query('INSERT INTO signalisation_comments (signalisation_id, at, author, texte) VALUES ($1, $2, $3, $4)', [
          current.id,
          c.at,
          c.author,
          c.texte,
        ]);
        if (c.author === 'SAV') await recordTicketEvent(tx, { signalisationId: current.id }, { kind: 'COMMENTAIRE_SAV', texte: c.texte }, c.at);
      }
      if (change.audit) {
        const a = change.audit;
        await insertAudit(tx, { at: a.at, actor: a.actor, action: a.action, operatorCode: current.operatorCode, details: a.details });
      }
      return toSignalisation(updated!);
    });
  }

  async list(operatorCode: string, filter: ListFilter, after: PagePosition | undefined, limit: number): Promise<Signalisation[]> {
    const params: unknown[] = [operatorCode, filter.closedNotBefore];
    const filters: string[] = [];
    const add = (condition: (n: string) => string, value: unknown) => {
      params.push(value);
      filters.push(condition(`$${params.length}`));
    };
    if (filter.etats && filter.etats.length > 0) add((n) => `etat = ANY(${n}::text[])`, filter.etats);
    if (filter.offerCode) add((n) => `offer_code = ${n}`, filter.offerCode);
    if (filter.prestationId) add((n) => `prestation_id = ${n}`, filter.prestationId);
    if (filter.depositedFrom) add((n) => `deposited_at >= ${n}`, filter.depositedFrom);
    if (filter.depositedTo) add((n) => `deposited_at < ${n}`, filter.depositedTo);
    if (after) add((n) => `id < ${n}`, after.id);
    const where = filters.map((f) => ` AND ${f}`).join('');
    const limitParam = `$${params.push(limit)}`;
    // Prepared: the texts vary only with which filters are present (a few dozen texts at most).
    if (filter.prestationId) {
      // One prestation's tickets: its index holds only them (a handful, whatever the operator's
      // history), so the plain query is bounded.
      const rows = await this.db.query<SignalisationRow>(
        prepared(`SELECT ${COLUMNS} FROM signalisations WHERE operator_code = $1 AND ${VISIBLE}${where} ORDER BY id DESC LIMIT ${limitParam}`),
        params,
      );
      return rows.map(toSignalisation);
    }
    // Bounded by the visible tickets, not by the history (decision 0028): see recentQuery and olderQuery.
    const bound = await this.listBound(operatorCode, filter.closedNotBefore);
    const boundParam = `$${params.push(bound)}`;
    const recent = await this.db.query<SignalisationRow>(prepared(recentQuery(where, limitParam, boundParam)), params);
    if (recent.length >= limit) return recent.map(toSignalisation);
    const older = await this.db.query<SignalisationRow>(prepared(olderQuery(where, limitParam, boundParam)), params);
    return [...recent, ...older.slice(0, limit - recent.length)].map(toSignalisation);
  }

  /**
   * The operator's list bound for this window start (see recentQuery), kept per operator until the
   * window start moves (once a day): any value gives the same rows, so a value read earlier is
   * never wrong (at worst one part reads a few more tickets). Not kept while
   * the operator has no ticket deposited within the window (the first deposit then sets it).
   */
  private async listBound(operatorCode: string, windowStart: Date): Promise<string> {
    const kept = this.listBounds.get(operatorCode);
    if (kept && kept.windowStart === windowStart.getTime()) return kept.bound;
    const [row] = await this.db.query<{ bound: string | null }>(LIST_BOUND, [operatorCode, windowStart]);
    if (!row?.bound) return NO_BOUND;
    this.listBounds.set(operatorCode, { windowStart: windowStart.getTime(), bound: row.bound });
    return row.bound;
  }

  async listClosed(operatorCode: string, filter: ClosedFilter, after: PagePosition | undefined, limit: number): Promise<Signalisation[]> {
    const params: unknown[] = [operatorCode, filter.closedFrom, filter.closedTo];
    const where = ['operator_code = $1', 'date_cloture IS NOT NULL', 'date_cloture >= $2', 'date_cloture < $3'];
    if (filter.prestationId) {
      params.push(filter.prestationId);
      where.push(`prestation_id = $${params.length}`);
    }
    if (after?.at) {
      params.push(after.at, after.id);
      where.push(`(date_cloture, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(limit);
    const rows = await this.db.query<SignalisationRow>(
      prepared(`SELECT ${COLUMNS} FROM signalisations WHERE ${where.join(' AND ')}
        ORDER BY date_cloture DESC, id DESC LIMIT $${params.length}`),
      params,
    );
    return rows.map(toSignalisation);
  }

  async closedBefore(closedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ reference: string }>(
      `SELECT reference FROM signalisations WHERE etat IN ('CLOS', 'VALIDE') AND date_cloture < $1
        ORDER BY date_cloture LIMIT $2`,
      [closedBefore, limit],
    );
    return rows.map((r) => r.reference);
  }

  async history(signalisationId: number): Promise<HistoryEntry[]> {
    const rows = await this.db.query<{ at: Date; from_state: string | null; to_state: string; actor: string; motif: string | null }>(
      HISTORY,
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
      COMMENTS,
      [signalisationId],
    );
    return rows.map((r) => ({ at: r.at, author: r.author as Acteur, texte: r.texte }));
  }
}

function selectByKey(q: Queryable, operatorCode: string | null, key: SignalisationKey, lock: boolean): Promise<SignalisationRow[]> {
  const [column, value] =
    'referenceSignalisation' in key ? ['reference', key.referenceSignalisation] : ['reference_interne_oc', key.referenceInterneOC];
  const params: unknown[] = [value];
  let where = `${column} = $1`;
  if (operatorCode !== null) {
    params.push(operatorCode);
    where += ' AND operator_code = $2';
  } else if (column === 'reference_interne_oc') {
    // The operator's own reference is only unique per operator: the back office uses ours.
    throw new Error('referenceInterneOC designates a signalisation only together with its operator');
  }
  return q.query<SignalisationRow>(prepared(`SELECT ${COLUMNS} FROM signalisations WHERE ${where}${lock ? ' FOR UPDATE' : ''}`), params);
}

const VISIBLE = '(date_cloture IS NULL OR date_cloture >= $2)';

/*
 * The list bounded by the visible tickets (open, or closed since $2), not by the history behind
 * them (decision 0028). A plain `ORDER BY id DESC LIMIT n` walks the ids backwards until the page
 * fills; when few visible tickets match the filters it walks the whole history. So the ids are cut
 * at a bound, the id of the operator's first ticket (by deposit) deposited since the window start
 * (LIST_BOUND, one index probe; none: NO_BOUND, the largest id):
 * - recentQuery, the ids from the bound up: nearly every ticket there is visible (deposited since
 *   the window start, so open or closed since), and the backward walk reads at most those;
 * - olderQuery, only when the first did not fill the page, the ids below the bound: the visible
 *   ones only, through two indexes that hold no closed history — the open tickets by id
 *   (signalisations_operator_open, partial) and the range of those closed since the window start
 *   (signalisations_operator_closed) —, joined to their rows, filtered, sorted, cut to the page.
 * The two parts split the ids at the same bound and each keeps the whole condition, so any bound
 * gives the same rows; the bound only decides what each part costs.
 */
const LIST_BOUND = prepared(`SELECT (SELECT id FROM signalisations WHERE operator_code = $1 AND deposited_at >= $2
                                     ORDER BY deposited_at, id LIMIT 1)::text AS bound`);
const NO_BOUND = '9223372036854775807';

function recentQuery(where: string, limit: string, bound: string): string {
  return `SELECT ${COLUMNS} FROM signalisations WHERE operator_code = $1 AND id >= ${bound} AND ${VISIBLE}${where}
    ORDER BY id DESC LIMIT ${limit}`;
}

function olderQuery(where: string, limit: string, bound: string): string {
  return `WITH older AS MATERIALIZED (
      SELECT id FROM signalisations WHERE operator_code = $1 AND date_cloture IS NULL AND id < ${bound}
      UNION ALL
      SELECT id FROM signalisations WHERE operator_code = $1 AND date_cloture >= $2 AND id < ${bound}
    )
    SELECT ${COLUMNS} FROM signalisations
     WHERE id IN (SELECT id FROM older) AND operator_code = $1 AND ${VISIBLE}${where}
     ORDER BY id DESC LIMIT ${limit}`;
}
