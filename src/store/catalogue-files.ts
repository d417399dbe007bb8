// Reads the catalogue from catalog/ (YAML data, not code) and checks it before the gateway
// starts: a broken file stops the start with a message naming the file and the line.
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { Catalogue, CodeLibelle, FormVersion, Guarantee, Offer } from '../domain/catalogue.js';

export class CatalogueError extends Error {
  constructor(file: string, line: number | undefined, problem: string) {
    super(`Catalogue ${file}${line !== undefined ? `:${line}` : ''}: ${problem}`);
    this.name = 'CatalogueError';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9_]{1,64}$/;

type Path = ReadonlyArray<string | number>;

/** One YAML file: its data, and the line of any value in it (for error messages). */
class Source {
  private readonly lines = new LineCounter();
  private readonly doc: Document;
  readonly data: unknown;

  constructor(readonly file: string) {
    const text = fs.readFileSync(file, 'utf8');
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    const error = this.doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line ?? this.lines.linePos(error.pos[0]).line;
      throw new CatalogueError(file, line, `YAML invalide : ${error.message.split('\n')[0]}`);
    }
    this.data = this.doc.toJS();
  }

  /** The line of the value at `path`, or of its closest existing parent. */
  lineOf(at: Path): number | undefined {
    for (let n = at.length; n >= 0; n--) {
      const node = this.doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  fail(at: Path, problem: string): never {
    throw new CatalogueError(this.file, this.lineOf(at), problem);
  }
}

const show = (at: Path) => at.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');

function get(value: unknown, key: string | number): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[key] : undefined;
}

class Reader {
  constructor(private readonly src: Source) {}

  value(at: Path): unknown {
    return at.reduce<unknown>((v, k) => get(v, k), this.src.data);
  }

  str(at: Path, pattern?: RegExp): string {
    const v = this.value(at);
    if (typeof v !== 'string' || v.length === 0) this.src.fail(at, `${show(at)} doit être une chaîne non vide`);
    if (pattern && !pattern.test(v)) this.src.fail(at, `${show(at)} invalide : ${JSON.stringify(v)}`);
    return v;
  }

  optionalDate(at: Path): string | null {
    const v = this.value(at);
    return v === null || v === undefined ? null : this.str(at, DATE);
  }

  bool(at: Path, fallback: boolean): boolean {
    const v = this.value(at);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.src.fail(at, `${show(at)} doit valoir true ou false`);
    return v;
  }

  positive(at: Path, integer = false): number {
    const v = this.value(at);
    if (typeof v !== 'number' || v <= 0 || (integer && !Number.isInteger(v))) {
      this.src.fail(at, `${show(at)} doit être un ${integer ? 'entier' : 'nombre'} positif`);
    }
    return v;
  }

  list<T>(at: Path, item: (at: Path) => T, optional = false): T[] {
    const v = this.value(at);
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) this.src.fail(at, `${show(at)} doit être une liste`);
    return v.map((_, i) => item([...at, i]));
  }

  codeList(at: Path, optional = false): CodeLibelle[] {
    const list = this.list(at, (p) => ({ code: this.str([...p, 'code'], CODE), libelle: this.str([...p, 'libelle']) }), optional);
    list.forEach((entry, i) => {
      if (list.findIndex((e) => e.code === entry.code) !== i) this.src.fail([...at, i, 'code'], `code ${entry.code} en double`);
    });
    return list;
  }

  fail(at: Path, problem: string): never {
    return this.src.fail(at, problem);
  }
}

function readForm(r: Reader, at: Path): FormVersion {
  return {
    idFormulaire: r.str([...at, 'idFormulaire'], CODE),
    version: r.positive([...at, 'version'], true),
    dateProduction: r.str([...at, 'dateProduction'], DATE),
    finCoexistence: r.optionalDate([...at, 'finCoexistence']),
    champs: r.list(
      [...at, 'champs'],
      (p) => ({ code: r.str([...p, 'code'], CODE), libelle: r.str([...p, 'libelle']), obligatoire: r.bool([...p, 'obligatoire'], false) }),
      true,
    ),
  };
}

function readOffer(src: Source, guarantees: ReadonlyMap<string, Guarantee>): Offer {
  const r = new Reader(src);
  const offer: Offer = {
    code: r.str(['code'], CODE),
    libelle: r.str(['libelle']),
    technologie: r.str(['technologie'], CODE),
    offreActivee: r.bool(['offreActivee'], false),
    dateCommercialisation: r.str(['dateCommercialisation'], DATE),
    dateMiseEnPlace: r.str(['dateMiseEnPlace'], DATE),
    canauxSignalisation: r.list(['canauxSignalisation'], (p) => r.str(p, CODE)),
    garanties: r.list(['garanties'], (p) => r.str(p, CODE)),
    tests: {
      disponibles: r.list(['tests', 'disponibles'], (p) => r.str(p, CODE), true),
      testPrealableRequis: r.bool(['tests', 'testPrealableRequis'], false),
      validiteTestPrealableHeures: r.value(['tests', 'validiteTestPrealableHeures']) === undefined ? 48 : r.positive(['tests', 'validiteTestPrealableHeures']),
    },
    nomenclatures: {
      defautDeclare: r.codeList(['nomenclatures', 'defautDeclare']),
      localisationPresumee: r.codeList(['nomenclatures', 'localisationPresumee'], true),
    },
    formulaires: r.list(['formulaires'], (p) => readForm(r, p)),
  };
  if (path.basename(src.file, '.yaml') !== offer.code) r.fail(['code'], `le nom du fichier doit être le code de l'offre (${offer.code}.yaml)`);
  if (offer.dateMiseEnPlace < offer.dateCommercialisation) r.fail(['dateMiseEnPlace'], 'dateMiseEnPlace antérieure à dateCommercialisation');
  offer.garanties.forEach((g, i) => {
    if (!guarantees.has(g)) r.fail(['garanties', i], `garantie inconnue ${g} (absente de garanties.yaml)`);
  });
  if (offer.formulaires.length === 0) r.fail(['formulaires'], 'au moins un formulaire est requis');
  return offer;
}

function readGuarantees(file: string): Map<string, Guarantee> {
  const r = new Reader(new Source(file));
  const map = new Map<string, Guarantee>();
  r.list(['garanties'], (p) => {
    const g: Guarantee = {
      code: r.str([...p, 'code'], CODE),
      libelle: r.str([...p, 'libelle']),
      delaiHeures: r.positive([...p, 'delaiHeures']),
      heuresOuvrees: r.bool([...p, 'heuresOuvrees'], false),
    };
    if (map.has(g.code)) r.fail([...p, 'code'], `garantie ${g.code} en double`);
    map.set(g.code, g);
  });
  return map;
}

/** Loads catalog/garanties.yaml and catalog/offres/*.yaml. */
export function loadCatalogue(dir: string): Catalogue {
  const guarantees = readGuarantees(path.join(dir, 'garanties.yaml'));
  const offersDir = path.join(dir, 'offres');
  const offers = new Map<string, Offer>();
  for (const name of fs.readdirSync(offersDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const offer = readOffer(new Source(path.join(offersDir, name)), guarantees);
    offers.set(offer.code, offer);
  }
  if (offers.size === 0) throw new CatalogueError(offersDir, undefined, 'aucune offre (fichiers <CODE>.yaml attendus)');
  return { offers, guarantees };
}
