// SQL of the prestation aggregate (the operator's lines/services the provider delivers).
import type { CodeValeur, Extremite, Prestation, PrestationRepository } from '../../application/signalisation-ports.js';
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

export class SqlPrestationRepository implements PrestationRepository {
  constructor(private readonly db: Database) {}

  async findForOperator(operatorCode: string, identifiant: string): Promise<Prestation | undefined> {
    const rows = await this.db.query<PrestationRow>(FOR_OPERATOR, [identifiant, operatorCode]);
    const r = rows[0];
    return r && toPrestation(r);
  }

  async listForOperator(operatorCode: string, offerCodes: readonly string[]): Promise<Prestation[]> {
    if (offerCodes.length === 0) return [];
    const rows = await this.db.query<PrestationRow>(
      `SELECT ${PRESTATION_COLUMNS} FROM prestations WHERE operator_code = $1 AND offer_code = ANY($2::text[]) ORDER BY identifiant`,
      [operatorCode, [...offerCodes]],
    );
    return rows.map(toPrestation);
  }
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
