// The documentation space (issue 13, point 6), open to every signed-in user: the "pack catalogue"
// and annex-2 documents. Per offer and form version, a read-only mock-up of the form (from the
// FormField model the deposit form uses too), the form's XSD and the offer's nomenclatures (CSV);
// the WSDLs and XSDs the operators' port serves; the operators' functional and technical reference
// (docs/contract/) and the conformance kit's guide (docs/conformance.md), rendered to HTML.
// Everything published is read ONCE at start into fixed maps keyed by the addresses: a request
// names a key, never a path on disk, so no path traversal can reach another file.
//   GET /documentation                                        index
//   GET /documentation/offres/:offre                          the offer: forms, nomenclatures
//   GET /documentation/offres/:offre/formulaires/:id/:version the form version's mock-up
//   GET /documentation/offres/:offre/nomenclatures/:fichier   defautDeclare.csv, localisationPresumee.csv
//   GET /documentation/formulaires/:id/:fichier               v<N>.xsd (catalog/formulaires/<id>/v<N>.xsd)
//   GET /documentation/wsdl/*, /documentation/xsd/*           the contract's files (wsdl/, xsd/)
//   GET /documentation/reference[/*]                          docs/contract/**/*.md
//   GET /documentation/conformite                             docs/conformance.md
// Reading the documentation is no SOAP operation: it stays open during maintenance windows.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SIGNALISATION_CHANNEL_LABELS, isFormVersionLive, type Catalogue, type FormField, type FormVersion, type Offer } from '../../domain/catalogue.js';
import { toCsv } from '../../domain/csv.js';
import { parisDayOf } from '../../domain/paris-calendar.js';
import { CATALOG_DIR, PROJECT_ROOT, WSDL_DIR, XSD_DIR } from '../paths.js';
import type { PortalServiceRules } from './service-rules.js';
import { renderMarkdown, type RenderedMarkdown } from './markdown.js';
import { requireSignedIn, sendMessage, sendPage } from './render.js';

/** The nomenclatures of an offer published as CSV, with their French titles. */
export const NOMENCLATURES = {
  defautDeclare: 'Défauts déclarés',
  localisationPresumee: 'Localisations présumées',
} as const;
type NomenclatureName = keyof typeof NOMENCLATURES;
const isNomenclature = (name: string): name is NomenclatureName => Object.hasOwn(NOMENCLATURES, name);

interface ContractFile {
  /** Under wsdl/ or xsd/, e.g. "wsdl/v1/signalisation-v1.wsdl". */
  repoPath: string;
  name: string;
  content: string;
}

interface DocPage extends RenderedMarkdown {
  repoPath: string;
  /** The page's address in the portal. */
  href: string;
}

/** What the documentation space needs of the page families' deps (PortalPageDeps, app.ts). */
export interface DocumentationDeps {
  catalogue: Catalogue;
  rules: PortalServiceRules;
}

/** What the documentation space publishes, read at start. */
export interface DocumentationLibrary {
  contractFiles: Map<string, ContractFile>;
  formSchemas: Map<string, string>;
  reference: Map<string, DocPage>;
  conformance: DocPage;
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

const repoPathOf = (file: string): string => path.relative(PROJECT_ROOT, file).split(path.sep).join('/');

/** The portal address of a form version's schema. */
export const formSchemaHref = (form: Pick<FormVersion, 'idFormulaire' | 'version'>): string =>
  `/documentation/formulaires/${encodeURIComponent(form.idFormulaire)}/v${form.version}.xsd`;

/** Reads every published file (the fixed list) and renders the Markdown pages. */
export function loadDocumentation(catalogue: Catalogue): DocumentationLibrary {
  const contractFiles = new Map<string, ContractFile>();
  for (const [dir, extension] of [[WSDL_DIR, '.wsdl'], [XSD_DIR, '.xsd']] as const) {
    for (const file of listFiles(dir).filter((f) => f.endsWith(extension))) {
      const repoPath = repoPathOf(file);
      contractFiles.set(repoPath, { repoPath, name: path.basename(file), content: fs.readFileSync(file, 'utf8') });
    }
  }
  const formSchemas = new Map<string, string>();
  for (const offer of catalogue.offers.values()) {
    for (const form of offer.formulaires) {
      const file = path.join(CATALOG_DIR, 'formulaires', form.idFormulaire, `v${form.version}.xsd`);
      if (fs.existsSync(file)) formSchemas.set(`${form.idFormulaire}/v${form.version}.xsd`, fs.readFileSync(file, 'utf8'));
    }
  }

  const contractDir = path.join(PROJECT_ROOT, 'docs', 'contract');
  const referenceHref = (repoPath: string): string | undefined => {
    const match = /^docs\/contract\/(.+)\.md$/.exec(repoPath);
    if (!match) return undefined;
    return match[1] === 'README' ? '/documentation/reference' : `/documentation/reference/${match[1]}`;
  };
  const mapLink = (repoPath: string): string | undefined => {
    if (repoPath === 'docs/conformance.md') return '/documentation/conformite';
    const reference = referenceHref(repoPath);
    if (reference !== undefined) return fs.existsSync(path.join(PROJECT_ROOT, repoPath)) ? reference : undefined;
    if (contractFiles.has(repoPath)) return `/documentation/${repoPath}`;
    const form = /^catalog\/formulaires\/([^/]+)\/(v\d+\.xsd)$/.exec(repoPath);
    if (form && formSchemas.has(`${form[1]}/${form[2]}`)) return `/documentation/formulaires/${form[1]}/${form[2]}`;
    const offer = /^catalog\/offres\/([^/]+)\.yaml$/.exec(repoPath);
    if (offer && catalogue.offers.has(offer[1]!)) return `/documentation/offres/${offer[1]}`;
    return undefined;
  };
  const page = (file: string): DocPage => {
    const repoPath = repoPathOf(file);
    const rendered = renderMarkdown(fs.readFileSync(file, 'utf8'), repoPath, mapLink);
    return { ...rendered, repoPath, href: mapLink(repoPath)! };
  };
  const reference = new Map<string, DocPage>();
  for (const file of listFiles(contractDir).filter((f) => f.endsWith('.md'))) {
    const doc = page(file);
    reference.set(doc.href, doc);
  }
  return { contractFiles, formSchemas, reference, conformance: page(path.join(PROJECT_ROOT, 'docs', 'conformance.md')) };
}

// ------------------------------------------------------------------ the form mock-up's view model

const TYPE_LABELS: Readonly<Record<FormField['type'], string>> = {
  text: 'texte',
  integer: 'nombre entier',
  decimal: 'nombre décimal',
  date: 'date (AAAA-MM-JJ)',
  dateTime: 'date et heure (AAAA-MM-JJThh:mm:ss)',
  time: 'heure (hh:mm:ss)',
  boolean: 'booléen (true ou false)',
  enumeration: 'liste de valeurs',
};

const INPUT_TYPES: Readonly<Record<FormField['type'], string>> = {
  text: 'text',
  integer: 'number',
  decimal: 'text',
  date: 'date',
  dateTime: 'datetime-local',
  time: 'time',
  boolean: 'checkbox',
  enumeration: 'select',
};

export interface MockupField {
  code: string;
  id: string;
  libelle: string;
  obligatoire: boolean;
  input: string;
  typeLabel: string;
  typeXsd: string;
  valeurs: FormField['valeurs'];
  contraintes: string[];
  aide: string | undefined;
}

const bound = (b: { valeur: string; inclus: boolean }, lower: boolean): string =>
  `${lower ? (b.inclus ? '≥' : '>') : b.inclus ? '≤' : '<'} ${b.valeur}`;

/** The constraints of a field in French, as the mock-up lists them. */
export function fieldConstraints(field: FormField): string[] {
  const lines: string[] = [];
  if (field.longueurMin !== undefined && field.longueurMax !== undefined) {
    lines.push(field.longueurMin === field.longueurMax ? `exactement ${field.longueurMin} caractères` : `de ${field.longueurMin} à ${field.longueurMax} caractères`);
  } else if (field.longueurMin !== undefined) lines.push(`au moins ${field.longueurMin} caractères`);
  else if (field.longueurMax !== undefined) lines.push(`au plus ${field.longueurMax} caractères`);
  if (field.min) lines.push(`valeur ${bound(field.min, true)}`);
  if (field.max) lines.push(`valeur ${bound(field.max, false)}`);
  if (field.chiffresMax !== undefined) lines.push(`au plus ${field.chiffresMax} chiffres`);
  if (field.decimalesMax !== undefined) lines.push(`au plus ${field.decimalesMax} décimales`);
  for (const group of field.motifs ?? []) lines.push(`motif : ${group.join(' ou ')}`);
  return lines;
}

export function mockupFields(form: FormVersion): MockupField[] {
  return form.champs.map((field) => ({
    code: field.code,
    id: `champ-${field.code}`,
    libelle: field.libelle,
    obligatoire: field.obligatoire,
    input: INPUT_TYPES[field.type],
    typeLabel: TYPE_LABELS[field.type],
    typeXsd: field.typeXsd,
    valeurs: field.valeurs,
    contraintes: fieldConstraints(field),
    aide: field.aide,
  }));
}

type FormState = 'en vigueur' | 'à venir' | 'retirée';

function formState(form: FormVersion, now: Date): FormState {
  if (isFormVersionLive(form, now)) return 'en vigueur';
  return form.dateProduction > parisDayOf(now) ? 'à venir' : 'retirée';
}

// ------------------------------------------------------------------ routes

function sendAttachment(reply: FastifyReply, contentType: string, fileName: string, body: string): FastifyReply {
  return reply
    .type(contentType)
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

const notFound = (request: FastifyRequest, reply: FastifyReply) =>
  sendMessage(request, reply, 404, 'Document introuvable', "Ce document n'existe pas dans l'espace documentation.");

export const documentationRoutes: FastifyPluginAsync<DocumentationDeps> = async (app, deps) => {
  const { catalogue, rules } = deps;
  const library = loadDocumentation(catalogue);
  const offers = [...catalogue.offers.values()].sort((a, b) => a.code.localeCompare(b.code));
  const offerOf = (code: string): Offer | undefined => catalogue.offers.get(code);
  const channels = (offer: Offer) => offer.canauxSignalisation.map((c) => SIGNALISATION_CHANNEL_LABELS[c]);
  const formsOf = (offer: Offer, now: Date) =>
    [...offer.formulaires]
      .sort((a, b) => (a.idFormulaire === b.idFormulaire ? a.version - b.version : a.idFormulaire.localeCompare(b.idFormulaire)))
      .map((form) => ({ form, state: formState(form, now), xsd: library.formSchemas.has(`${form.idFormulaire}/v${form.version}.xsd`) ? formSchemaHref(form) : null }));

  app.addHook('preHandler', requireSignedIn);

  app.get('/documentation', async (request, reply) => {
    const now = rules.clock.now();
    return sendPage(request, reply, 'documentation', {
      title: 'Documentation',
      current: '/documentation',
      offers: offers.map((offer) => ({ offer, channels: channels(offer), forms: formsOf(offer, now) })),
      contractFiles: [...library.contractFiles.values()],
      reference: [...library.reference.values()].sort((a, b) => (a.href === '/documentation/reference' ? -1 : b.href === '/documentation/reference' ? 1 : a.href.localeCompare(b.href))),
    });
  });

  app.get<{ Params: { offre: string } }>('/documentation/offres/:offre', async (request, reply) => {
    const offer = offerOf(request.params.offre);
    if (!offer) return notFound(request, reply);
    return sendPage(request, reply, 'documentation-offre', {
      title: `Offre ${offer.libelle}`,
      current: '/documentation',
      offer,
      channels: channels(offer),
      forms: formsOf(offer, rules.clock.now()),
      nomenclatures: (Object.keys(NOMENCLATURES) as NomenclatureName[]).map((name) => ({
        name,
        titre: NOMENCLATURES[name],
        entries: offer.nomenclatures[name],
      })),
    });
  });

  app.get<{ Params: { offre: string; id: string; version: string } }>('/documentation/offres/:offre/formulaires/:id/:version', async (request, reply) => {
    const offer = offerOf(request.params.offre);
    const form = offer?.formulaires.find((f) => f.idFormulaire === request.params.id && `${f.version}` === request.params.version);
    if (!offer || !form) return notFound(request, reply);
    return sendPage(request, reply, 'documentation-formulaire', {
      title: `Formulaire ${form.idFormulaire} version ${form.version}`,
      current: '/documentation',
      offer,
      form,
      state: formState(form, rules.clock.now()),
      xsd: library.formSchemas.has(`${form.idFormulaire}/v${form.version}.xsd`) ? formSchemaHref(form) : null,
      fields: mockupFields(form),
    });
  });

  app.get<{ Params: { offre: string; fichier: string } }>('/documentation/offres/:offre/nomenclatures/:fichier', async (request, reply) => {
    const offer = offerOf(request.params.offre);
    const name = /^([A-Za-z]+)\.csv$/.exec(request.params.fichier)?.[1];
    if (!offer || name === undefined || !isNomenclature(name)) return notFound(request, reply);
    const csv = toCsv(['code', 'libelle'], offer.nomenclatures[name].map((e) => [e.code, e.libelle]));
    return sendAttachment(reply, 'text/csv; charset=utf-8', `${offer.code}-${name}.csv`, csv);
  });

  app.get<{ Params: { id: string; fichier: string } }>('/documentation/formulaires/:id/:fichier', async (request, reply) => {
    const schema = library.formSchemas.get(`${request.params.id}/${request.params.fichier}`);
    if (schema === undefined) return notFound(request, reply);
    return sendAttachment(reply, 'application/xml; charset=utf-8', `${request.params.id}-${request.params.fichier}`, schema);
  });

  for (const prefix of ['wsdl', 'xsd']) {
    app.get(`/documentation/${prefix}/*`, async (request, reply) => {
      // The URL as sent (still percent-encoded): "%2e%2e" is no key of the map either.
      const key = (request.url.split('?')[0] ?? '').slice('/documentation/'.length);
      const file = library.contractFiles.get(key);
      if (!file) return notFound(request, reply);
      return sendAttachment(reply, 'application/xml; charset=utf-8', file.name, file.content);
    });
  }

  const sendDoc = (request: FastifyRequest, reply: FastifyReply, doc: DocPage | undefined, lang: string) => {
    if (!doc) return notFound(request, reply);
    return sendPage(request, reply, 'documentation-page', { title: doc.title, current: '/documentation', doc, lang });
  };
  app.get('/documentation/reference', async (request, reply) => sendDoc(request, reply, library.reference.get('/documentation/reference'), 'fr'));
  app.get('/documentation/reference/*', async (request, reply) =>
    sendDoc(request, reply, library.reference.get(request.url.split('?')[0] ?? ''), 'fr'),
  );
  // The conformance kit's guide is written in English (the kit's users are integrators).
  app.get('/documentation/conformite', async (request, reply) => sendDoc(request, reply, library.conformance, 'en'));
};
