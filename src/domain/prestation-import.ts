// The rules of one line of a prestations import (issue 14, decision 0017): the columns, the
// encoding of the lists in a CSV cell, and the checks of one line against the catalogue and the
// known operators. Pure: the file formats are read by the admin API's adapter, the lines are
// staged and upserted by src/application/prestation-imports.ts.
import type { Catalogue } from './catalogue.js';
import { isParisDay, type ParisDay } from './paris-calendar.js';
import { xmlTextProblem } from './xml-text.js';

/** The columns of an import file (CSV header, JSON object keys). */
export const IMPORT_COLUMNS = [
  'identifiant',
  'operateur',
  'offre',
  'codeInsee',
  'extremites',
  'informations',
  'garantie',
  'dateActivation',
  'dateResiliation',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
/** The columns a CSV header must name (the others may be left out: empty for every line). */
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['identifiant', 'operateur', 'offre', 'garantie'];

export const IMPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A prestation identifier: 1 to 64 printable characters without spaces. */
const IDENTIFIANT = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
/** A commune's INSEE code: 5 characters, 2A/2B for Corsica. */
export const CODE_INSEE = /^(?:[0-9]{2}|2[AB])[0-9]{3}$/;
const OPERATOR_CODE = /^[A-Z0-9]{4}$/;
const SIRET = /^[0-9]{14}$/;
const LIST_CODE = /^[A-Za-z0-9_]{1,64}$/;

export interface ImportedExtremite {
  type: string;
  reference?: string;
}
export interface ImportedInformation {
  code: string;
  valeur: string;
}

/** One valid line, ready to be staged. */
export interface ImportedPrestation {
  line: number;
  identifiant: string;
  operatorCode: string;
  offerCode: string;
  codeInsee: string | null;
  gtrCode: string;
  extremites: ImportedExtremite[];
  informations: ImportedInformation[];
  dateActivation: ParisDay | null;
  dateResiliation: ParisDay | null;
}

/** Why one line is refused: its number (1 = first data line), identifier if read, field, reason. */
export interface RefusedLine {
  line: number;
  identifiant: string | null;
  field: string | null;
  reason: string;
}

/** A line as read from the file: its values by column (strings in CSV; any JSON value in JSON). */
export interface RawImportLine {
  line: number;
  values: Readonly<Record<string, unknown>>;
  /** Set by the reader when the line itself is malformed (e.g. a CSV line with too many cells). */
  malformed?: { field: string | null; reason: string };
}

/** The file cannot be imported at all (bad header, unreadable, wrong encoding…): nothing is written. */
export class ImportFileRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileRefused';
  }
}

/** The known operators: code → code, SIRET → code. */
export interface OperatorDirectory {
  byCode: ReadonlySet<string>;
  bySiret: ReadonlyMap<string, string>;
}

class LineError extends Error {
  constructor(
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

const text = (values: Readonly<Record<string, unknown>>, field: string, required: boolean): string | null => {
  const value = values[field];
  if (value === undefined || value === null || value === '') {
    if (required) throw new LineError(field, 'valeur obligatoire');
    return null;
  }
  if (typeof value !== 'string') throw new LineError(field, 'texte attendu');
  const trimmed = value.trim();
  if (trimmed === '') {
    if (required) throw new LineError(field, 'valeur obligatoire');
    return null;
  }
  return trimmed;
};

function day(values: Readonly<Record<string, unknown>>, field: string): ParisDay | null {
  const value = text(values, field, false);
  if (value === null) return null;
  if (!isParisDay(value)) throw new LineError(field, `date invalide « ${value} » (AAAA-MM-JJ attendu)`);
  return value;
}

/**
 * The extremities: in JSON an array of {type, reference?}; in a CSV cell either that JSON array or
 * the short form `TYPE:reference|TYPE:reference` (reference optional: `TYPE`).
 */
function extremitesOf(values: Readonly<Record<string, unknown>>): ImportedExtremite[] {
  const value = values.extremites;
  if (value === undefined || value === null || value === '') return [];
  const items = listOf(value, 'extremites', (part) => {
    const at = part.indexOf(':');
    return at < 0 ? { type: part } : { type: part.slice(0, at), reference: part.slice(at + 1) };
  });
  return items.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new LineError('extremites', 'objet {type, reference} attendu');
    const { type, reference, ...rest } = item as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new LineError('extremites', `champ inconnu ${Object.keys(rest)[0]}`);
    if (typeof type !== 'string' || !LIST_CODE.test(type)) throw new LineError('extremites', 'type d’extrémité invalide (A-Z, 0-9, _ ; 64 au plus)');
    if (reference === undefined || reference === '') return { type };
    if (typeof reference !== 'string' || reference.length > 200) throw new LineError('extremites', 'référence d’extrémité invalide (200 caractères au plus)');
    return { type, reference };
  });
}

/** The extra information: in JSON an array of {code, valeur}; in CSV that array or `code=valeur|code=valeur`. */
function informationsOf(values: Readonly<Record<string, unknown>>): ImportedInformation[] {
  const value = values.informations;
  if (value === undefined || value === null || value === '') return [];
  const items = listOf(value, 'informations', (part) => {
    const at = part.indexOf('=');
    if (at < 0) throw new LineError('informations', `« ${part} » : code=valeur attendu`);
    return { code: part.slice(0, at), valeur: part.slice(at + 1) };
  });
  const seen = new Set<string>();
  return items.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new LineError('informations', 'objet {code, valeur} attendu');
    const { code, valeur, ...rest } = item as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new LineError('informations', `champ inconnu ${Object.keys(rest)[0]}`);
    if (typeof code !== 'string' || !LIST_CODE.test(code)) throw new LineError('informations', 'code invalide (A-Z, 0-9, _ ; 64 au plus)');
    if (typeof valeur !== 'string' || valeur.length > 500) throw new LineError('informations', `valeur de ${code} invalide (texte de 500 caractères au plus)`);
    if (seen.has(code)) throw new LineError('informations', `code ${code} en double`);
    seen.add(code);
    return { code, valeur };
  });
}

function listOf(value: unknown, field: string, shortItem: (part: string) => unknown): unknown[] {
  if (Array.isArray(value)) return value.length > 50 ? tooMany(field) : value;
  if (typeof value !== 'string') throw new LineError(field, 'liste attendue');
  const cell = value.trim();
  if (cell === '') return [];
  if (cell.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(cell);
    } catch {
      throw new LineError(field, 'tableau JSON illisible');
    }
    if (!Array.isArray(parsed)) throw new LineError(field, 'tableau JSON attendu');
    return parsed.length > 50 ? tooMany(field) : parsed;
  }
  const parts = cell.split('|').map((p) => p.trim());
  if (parts.length > 50) tooMany(field);
  if (parts.some((p) => p === '')) throw new LineError(field, 'élément vide entre deux |');
  return parts.map(shortItem);
}

const tooMany = (field: string): never => {
  throw new LineError(field, '50 éléments au plus');
};

/**
 * Checks one line: a valid prestation or the reason of its refusal (the first fault found, in the
 * order of the columns). Checks that need the database (duplicate identifier within the file,
 * prestation of another operator) are made on the staged lines.
 */
export function checkImportLine(raw: RawImportLine, catalogue: Catalogue, operators: OperatorDirectory): ImportedPrestation | RefusedLine {
  const rawId = raw.values.identifiant;
  const identifiant = typeof rawId === 'string' && rawId.trim() !== '' ? rawId.trim().slice(0, 64) : null;
  if (raw.malformed) return { line: raw.line, identifiant, ...raw.malformed };
  try {
    const unknownField = Object.keys(raw.values).find((key) => !(IMPORT_COLUMNS as readonly string[]).includes(key));
    if (unknownField !== undefined) throw new LineError(unknownField, `champ inconnu (attendus : ${IMPORT_COLUMNS.join(', ')})`);
    for (const column of IMPORT_COLUMNS) {
      const problem = nonXmlText(raw.values[column]);
      // The prestation's data end up in the operators' SOAP answers (decision 0012).
      if (problem) throw new LineError(column, problem);
    }
    const id = text(raw.values, 'identifiant', true)!;
    if (!IDENTIFIANT.test(id)) throw new LineError('identifiant', 'identifiant invalide (1 à 64 caractères A-Z, a-z, 0-9, . _ : / -)');
    const operateur = text(raw.values, 'operateur', true)!;
    let operatorCode: string | undefined;
    if (OPERATOR_CODE.test(operateur)) operatorCode = operators.byCode.has(operateur) ? operateur : undefined;
    else if (SIRET.test(operateur)) operatorCode = operators.bySiret.get(operateur);
    else throw new LineError('operateur', `« ${operateur} » : code opérateur (4 caractères) ou SIRET (14 chiffres) attendu`);
    if (!operatorCode) throw new LineError('operateur', `opérateur ${operateur} inconnu`);
    const offerCode = text(raw.values, 'offre', true)!;
    const offer = catalogue.offers.get(offerCode);
    if (!offer) throw new LineError('offre', `offre ${offerCode} inconnue du catalogue`);
    const codeInsee = text(raw.values, 'codeInsee', false);
    if (codeInsee !== null && !CODE_INSEE.test(codeInsee)) throw new LineError('codeInsee', `code INSEE invalide « ${codeInsee} » (5 caractères, 2A/2B pour la Corse)`);
    const extremites = extremitesOf(raw.values);
    const informations = informationsOf(raw.values);
    const gtrCode = text(raw.values, 'garantie', true)!;
    if (!catalogue.guarantees.has(gtrCode)) throw new LineError('garantie', `garantie ${gtrCode} inconnue du catalogue`);
    if (offer.garanties.length > 0 && !offer.garanties.includes(gtrCode)) {
      throw new LineError('garantie', `garantie ${gtrCode} non proposée pour l’offre ${offer.code} (${offer.garanties.join(', ')})`);
    }
    const dateActivation = day(raw.values, 'dateActivation');
    const dateResiliation = day(raw.values, 'dateResiliation');
    if (dateActivation && dateResiliation && dateResiliation <= dateActivation) {
      throw new LineError('dateResiliation', `résiliation (${dateResiliation}) avant ou le jour de l’activation (${dateActivation})`);
    }
    return { line: raw.line, identifiant: id, operatorCode, offerCode, codeInsee, gtrCode, extremites, informations, dateActivation, dateResiliation };
  } catch (error) {
    if (error instanceof LineError) return { line: raw.line, identifiant, field: error.field, reason: error.message };
    throw error;
  }
}

function nonXmlText(value: unknown): string | undefined {
  if (typeof value === 'string') return xmlTextProblem(value);
  if (Array.isArray(value)) return value.map(nonXmlText).find((p) => p !== undefined);
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const problem = xmlTextProblem(key) ?? nonXmlText(inner);
      if (problem) return problem;
    }
  }
  return undefined;
}

export const isRefused = (result: ImportedPrestation | RefusedLine): result is RefusedLine => 'reason' in result;

/** Whether a prestation takes deposits on `today`: activated (or no date) and not yet terminated. */
export function isInService(p: { dateActivation?: ParisDay | null; dateResiliation?: ParisDay | null }, today: ParisDay): boolean {
  if (p.dateActivation && today < p.dateActivation) return false;
  if (p.dateResiliation && today >= p.dateResiliation) return false;
  return true;
}
