// Deterministic prestations import files (issue 14): good lines mixed with every kind of refused
// line, and the exact report the gateway must give for them.
import { mulberry32 } from './prng.js';

export const HEADER = 'identifiant;operateur;offre;codeInsee;extremites;informations;garantie;dateActivation;dateResiliation';

export interface ExpectedReject {
  ligne: number;
  identifiant: string | null;
  champ: string | null;
  motif: string;
}

export interface GeneratedFile {
  csv: string;
  lines: number;
  rejects: ExpectedReject[];
  /** Identifiers of the lines that must be imported, with their line. */
  accepted: Map<string, number>;
}

const OFFERS: Record<string, string[]> = {
  FTTH_PASSIF: ['GTR_STANDARD', 'GTR_10HO', 'GTR_4HO'],
  FTTH_ACTIVE: ['GTR_STANDARD', 'GTR_10HO', 'GTR_4HO'],
  CUIVRE_DEGROUPAGE: ['GTR_STANDARD', 'GTR_10HO'],
};
const OFFER_CODES = Object.keys(OFFERS);
const DEPARTMENTS = ['75', '69', '13', '2A', '2B', '01', '97'];

/**
 * `count` data lines (plus the header). `otherOperatorIds`: identifiers stored for OPB2, used once
 * each on lines that name OPA1 (refused: another operator's prestation).
 */
export function generateImportFile(count: number, seed: number, otherOperatorIds: string[] = []): GeneratedFile {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const rows: string[] = [HEADER];
  const rejects = new Map<number, ExpectedReject>();
  const valid = new Map<string, number[]>(); // identifier → lines that pass the per-line checks
  const goodIds: string[] = [];
  let other = 0;

  for (let i = 0; i < count; i++) {
    const line = i + 2; // the header is line 1
    const id = `IMP-${String(i).padStart(6, '0')}`;
    const offer = pick(OFFER_CODES);
    const cells = {
      identifiant: id,
      operateur: random() < 0.5 ? 'OPA1' : random() < 0.5 ? 'OPB2' : '10000000900017',
      offre: offer,
      codeInsee: `${pick(DEPARTMENTS)}${String(Math.floor(random() * 1000)).padStart(3, '0')}`,
      extremites: `PTO:PTO-${i}|PM:PM-${i % 97}`,
      informations: `PBO=PBO-${i}|ROUTE_OPTIQUE=PM42/CAB3/T${i % 9}`,
      garantie: pick(OFFERS[offer]!),
      dateActivation: random() < 0.7 ? '2025-01-15' : '',
      dateResiliation: '',
    };
    const r = random();
    const refuse = (champ: string | null, motif: string, identifiant: string | null = cells.identifiant) => rejects.set(line, { ligne: line, identifiant, champ, motif });
    let dropLast = false;
    if (r < 0.8) {
      // good
    } else if (r < 0.82) {
      cells.offre = 'OFFRE_INCONNUE';
      refuse('offre', 'offre OFFRE_INCONNUE inconnue du catalogue');
    } else if (r < 0.84) {
      cells.operateur = 'ZZZ9';
      refuse('operateur', 'opérateur ZZZ9 inconnu');
    } else if (r < 0.85) {
      cells.operateur = '99999999999999';
      refuse('operateur', 'opérateur 99999999999999 inconnu');
    } else if (r < 0.86) {
      cells.codeInsee = '7505';
      refuse('codeInsee', 'code INSEE invalide « 7505 » (5 caractères, 2A/2B pour la Corse)');
    } else if (r < 0.88) {
      cells.dateActivation = '2026-02-30';
      refuse('dateActivation', 'date invalide « 2026-02-30 » (AAAA-MM-JJ attendu)');
    } else if (r < 0.9) {
      cells.dateActivation = '2026-06-01';
      cells.dateResiliation = '2026-05-01';
      refuse('dateResiliation', 'résiliation (2026-05-01) avant ou le jour de l’activation (2026-06-01)');
    } else if (r < 0.91) {
      cells.offre = 'FTTH_PASSIF';
      cells.garantie = 'GTR_4H_24x7';
      refuse('garantie', 'garantie GTR_4H_24x7 non proposée pour l’offre FTTH_PASSIF (GTR_STANDARD, GTR_10HO, GTR_4HO)');
    } else if (r < 0.92) {
      cells.garantie = 'GTR_INCONNUE';
      refuse('garantie', 'garantie GTR_INCONNUE inconnue du catalogue');
    } else if (r < 0.93) {
      dropLast = true;
      refuse(null, '8 colonne(s) au lieu de 9 (celles de l’en-tête)');
    } else if (r < 0.95 && goodIds.length > 0) {
      cells.identifiant = pick(goodIds); // a duplicate: the report is computed below
    } else if (r < 0.96) {
      cells.identifiant = '';
      refuse('identifiant', 'valeur obligatoire', null);
    } else if (r < 0.97) {
      cells.informations = 'PBO';
      refuse('informations', '« PBO » : code=valeur attendu');
    } else if (r < 0.98 && other < otherOperatorIds.length) {
      cells.identifiant = otherOperatorIds[other++]!;
      cells.operateur = 'OPA1';
      refuse('operateur', 'prestation d’un autre opérateur (OPB2)');
    } else {
      // good, with the JSON form of the lists (quoted cell) and a Corsican commune
      cells.codeInsee = '2A004';
      cells.extremites = `"[{""type"":""PTO"",""reference"":""PTO-${i}""}]"`;
      cells.informations = `"[{""code"":""PBO"",""valeur"":""PBO;${i}""}]"`;
    }
    const values = Object.values(cells);
    rows.push((dropLast ? values.slice(0, -1) : values).join(';'));
    if (!rejects.has(line)) {
      const lines = valid.get(cells.identifiant) ?? [];
      lines.push(line);
      valid.set(cells.identifiant, lines);
      if (cells.identifiant === id) goodIds.push(id);
    }
  }
  const accepted = new Map<string, number>();
  for (const [identifiant, lines] of valid) {
    if (lines.length === 1) {
      accepted.set(identifiant, lines[0]!);
      continue;
    }
    for (const line of lines) {
      rejects.set(line, { ligne: line, identifiant, champ: 'identifiant', motif: `identifiant en double dans le fichier (${lines.length} lignes, la première : ${lines[0]})` });
    }
  }
  return { csv: `${rows.join('\n')}\n`, lines: count, rejects: [...rejects.values()].sort((a, b) => a.ligne - b.ligne), accepted };
}
