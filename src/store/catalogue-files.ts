// Reads the catalogue from catalog/ (data, not code) and checks it before the gateway starts:
// a broken file stops the start with a message naming the file and what is wrong.
import fs from 'node:fs';
import path from 'node:path';
import type { Catalogue, CodeLibelle, FormVersion, Guarantee, Offer } from '../domain/catalogue.js';

export class CatalogueError extends Error {
  constructor(file: string, problem: string) {
    super(`Catalogue ${file}: ${problem}`);
    this.name = 'CatalogueError';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9_]{1,64}$/;

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
    throw new CatalogueError(file, `JSON invalide${line ? ` à la ligne ${line}` : ''} (${message})`);
  }
}

function fail(file: string, what: string): never {
  throw new CatalogueError(file, what);
}

function str(file: string, value: unknown, where: string, pattern?: RegExp): string {
  if (typeof value !== 'string' || value.length === 0) fail(file, `${where} doit être une chaîne non vide`);
  if (pattern && !pattern.test(value)) fail(file, `${where} invalide : ${JSON.stringify(value)}`);
  return value;
}

function obj(file: string, value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, `${where} doit être un objet`);
  return value as Record<string, unknown>;
}

function arr(file: string, value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(file, `${where} doit être une liste`);
  return value;
}

function codeList(file: string, value: unknown, where: string): CodeLibelle[] {
  const list = arr(file, value, where).map((entry, i) => {
    const o = obj(file, entry, `${where}[${i}]`);
    return { code: str(file, o.code, `${where}[${i}].code`, CODE), libelle: str(file, o.libelle, `${where}[${i}].libelle`) };
  });
  const seen = new Set<string>();
  for (const { code } of list) {
    if (seen.has(code)) fail(file, `${where} : code ${code} en double`);
    seen.add(code);
  }
  return list;
}

function parseForm(file: string, value: unknown, i: number): FormVersion {
  const where = `formulaires[${i}]`;
  const o = obj(file, value, where);
  const version = o.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail(file, `${where}.version doit être un entier ≥ 1`);
  const fin = o.finCoexistence;
  return {
    idFormulaire: str(file, o.idFormulaire, `${where}.idFormulaire`, CODE),
    version,
    dateProduction: str(file, o.dateProduction, `${where}.dateProduction`, DATE),
    finCoexistence: fin === null || fin === undefined ? null : str(file, fin, `${where}.finCoexistence`, DATE),
    champs: arr(file, o.champs ?? [], `${where}.champs`).map((c, j) => {
      const f = obj(file, c, `${where}.champs[${j}]`);
      return {
        code: str(file, f.code, `${where}.champs[${j}].code`, CODE),
        libelle: str(file, f.libelle, `${where}.champs[${j}].libelle`),
        obligatoire: f.obligatoire === true,
      };
    }),
  };
}

function parseOffer(file: string, value: unknown, guarantees: ReadonlyMap<string, Guarantee>): Offer {
  const o = obj(file, value, 'offre');
  const tests = obj(file, o.tests ?? {}, 'tests');
  const nomenclatures = obj(file, o.nomenclatures, 'nomenclatures');
  const offer: Offer = {
    code: str(file, o.code, 'code', CODE),
    libelle: str(file, o.libelle, 'libelle'),
    technologie: str(file, o.technologie, 'technologie', CODE),
    offreActivee: o.offreActivee === true,
    dateCommercialisation: str(file, o.dateCommercialisation, 'dateCommercialisation', DATE),
    dateMiseEnPlace: str(file, o.dateMiseEnPlace, 'dateMiseEnPlace', DATE),
    canauxSignalisation: arr(file, o.canauxSignalisation, 'canauxSignalisation').map((c, i) =>
      str(file, c, `canauxSignalisation[${i}]`, CODE),
    ),
    garanties: arr(file, o.garanties, 'garanties').map((g, i) => str(file, g, `garanties[${i}]`, CODE)),
    tests: {
      disponibles: arr(file, tests.disponibles ?? [], 'tests.disponibles').map((t, i) => str(file, t, `tests.disponibles[${i}]`, CODE)),
      testPrealableRequis: tests.testPrealableRequis === true,
      validiteTestPrealableHeures: typeof tests.validiteTestPrealableHeures === 'number' ? tests.validiteTestPrealableHeures : 48,
    },
    nomenclatures: {
      defautDeclare: codeList(file, nomenclatures.defautDeclare, 'nomenclatures.defautDeclare'),
      localisationPresumee: codeList(file, nomenclatures.localisationPresumee ?? [], 'nomenclatures.localisationPresumee'),
    },
    formulaires: arr(file, o.formulaires, 'formulaires').map((f, i) => parseForm(file, f, i)),
  };
  if (path.basename(file, '.json') !== offer.code) fail(file, `le nom du fichier doit être le code de l'offre (${offer.code}.json)`);
  if (offer.dateMiseEnPlace < offer.dateCommercialisation) fail(file, 'dateMiseEnPlace antérieure à dateCommercialisation');
  for (const g of offer.garanties) if (!guarantees.has(g)) fail(file, `garantie inconnue ${g} (absente de garanties.json)`);
  if (offer.formulaires.length === 0) fail(file, 'au moins un formulaire est requis');
  return offer;
}

function parseGuarantees(file: string): Map<string, Guarantee> {
  const root = obj(file, readJson(file), 'racine');
  const map = new Map<string, Guarantee>();
  arr(file, root.garanties, 'garanties').forEach((value, i) => {
    const o = obj(file, value, `garanties[${i}]`);
    const delai = o.delaiHeures;
    if (typeof delai !== 'number' || delai <= 0) fail(file, `garanties[${i}].delaiHeures doit être un nombre positif`);
    const g: Guarantee = {
      code: str(file, o.code, `garanties[${i}].code`, CODE),
      libelle: str(file, o.libelle, `garanties[${i}].libelle`),
      delaiHeures: delai,
      heuresOuvrees: o.heuresOuvrees === true,
    };
    if (map.has(g.code)) fail(file, `garantie ${g.code} en double`);
    map.set(g.code, g);
  });
  return map;
}

/** Loads catalog/garanties.json and catalog/offres/*.json. */
export function loadCatalogue(dir: string): Catalogue {
  const guarantees = parseGuarantees(path.join(dir, 'garanties.json'));
  const offersDir = path.join(dir, 'offres');
  const offers = new Map<string, Offer>();
  for (const name of fs.readdirSync(offersDir).filter((f) => f.endsWith('.json')).sort()) {
    const file = path.join(offersDir, name);
    const offer = parseOffer(file, readJson(file), guarantees);
    offers.set(offer.code, offer);
  }
  if (offers.size === 0) throw new CatalogueError(offersDir, 'aucune offre');
  return { offers, guarantees };
}
