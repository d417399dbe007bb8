// SQL of the prestation aggregate (the operator's lines/services the provider delivers).
import type { CodeValeur, Extremite, Prestation, PrestationRepository, PrestationSuggestion } from '../../application/signalisation-ports.js';
import { prepared, type Database } from './db.js';

/** A row of `prestations` as PRESTATION_COLUMNS reads it. */
export interface PrestationRow {
  identifiant: string;
  operator_code: string;
  offer_code: string;
  code_insee: string | null;
  gtr_code: string;
  extremites: Extremite[];
  informations: CodeValeur[];
  date_activation: string | null;
  date_resiliation: string | null;
}

/** The columns of a prestation, dates as text (Paris days). */
export const PRESTATION_COLUMNS = `identifiant, operator_code, offer_code, code_insee, gtr_code, extremites, informations,
  date_activation::text AS date_activation, date_resiliation::text AS date_resiliation`;

// Every deposit reads it: prepared once per pooled connection.
const FOR_OPERATOR = prepared(
  `SELECT ${PRESTATION_COLUMNS} FROM prestations WHERE identifiant = $1 AND operator_code = $2`,
);

/** The suggestions' query ($1 operator, $2 offers, $3 prefix, $4 prefixEnd($3), $5 limit). */
export const SUGGEST_SQL = `SELECT s.identifiant, s.offer_code
  FROM unnest($2::text[]) AS o (code)
 CROSS JOIN LATERAL (
       SELECT p.identifiant, p.offer_code FROM prestations p
        WHERE p.operator_code = $1 AND p.offer_code = o.code
          AND p.identifiant COLLATE "C" >= $3 AND p.identifiant COLLATE "C" < $4
        ORDER BY p.identifiant COLLATE "C" LIMIT $5) s
 ORDER BY s.identifiant COLLATE "C" LIMIT $5`;

export class SqlPrestationRepository implements PrestationRepository {
  constructor(private readonly db: Database) {}

  async findForOperator(operatorCode: string, identifiant: string): Promise<Prestation | undefined> {
    const rows = await this.db.query<PrestationRow>(FOR_OPERATOR, [identifiant, operatorCode]);
    const r = rows[0];
    return r && toPrestation(r);
  }

  async suggestForOperator(operatorCode: string, offerCodes: readonly string[], prefix: string, limit: number): Promise<PrestationSuggestion[]> {
    if (offerCodes.length === 0 || limit <= 0) return [];
    // One range of prestations_operator_offer_identifiant (migration 0022) per offer, each cut at
    // `limit`, then the first `limit` of them all: at most offers × limit index entries read, however
    // many prestations the operator has or how few of them are on these offers. The "C" collation
    // makes the range [prefix, prefixEnd) exactly the identifiers that start with the prefix.
    const rows = await this.db.query<{ identifiant: string; offer_code: string }>(
      SUGGEST_SQL,
      [operatorCode, [...new Set(offerCodes)], prefix, prefixEnd(prefix), limit],
    );
    return rows.map((r) => ({ identifiant: r.identifiant, offerCode: r.offer_code }));
  }
}

/**
 * The first string, in byte order, that is after every string starting with `prefix`: the prefix
 * with its last character incremented (identifiers are ASCII, [A-Za-z0-9._-]), or the highest code
 * point for the empty prefix.
 */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export function toPrestation(r: PrestationRow): Prestation {
  return {
    identifiant: r.identifiant,
    operatorCode: r.operator_code,
    offerCode: r.offer_code,
    codeInsee: r.code_insee,
    gtrCode: r.gtr_code,
    extremites: r.extremites,
    informations: r.informations,
    dateActivation: r.date_activation,
    dateResiliation: r.date_resiliation,
  };
}

export interface PrestationSeed extends Omit<Prestation, 'extremites' | 'informations'> {
  extremites: Extremite[];
  informations: CodeValeur[];
}

export async function upsertPrestation(db: Database, p: PrestationSeed): Promise<void> {
  await db.query(
    `INSERT INTO prestations (identifiant, operator_code, offer_code, code_insee, gtr_code, extremites, informations)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (identifiant) DO UPDATE SET operator_code = EXCLUDED.operator_code, offer_code = EXCLUDED.offer_code,
       code_insee = EXCLUDED.code_insee, gtr_code = EXCLUDED.gtr_code, extremites = EXCLUDED.extremites,
       informations = EXCLUDED.informations`,
    [p.identifiant, p.operatorCode, p.offerCode, p.codeInsee, p.gtrCode, JSON.stringify(p.extremites), JSON.stringify(p.informations)],
  );
}
