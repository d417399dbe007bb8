// The operators' contract reference (docs/contract/), generated from what the gateway itself
// serves and checks: the WSDLs and XSDs, the catalogue, the version registry and the domain's
// fault codes and state machine. Pure: returns the pages (path relative to docs/contract/ →
// Markdown); `cli.ts` writes them, test/unit/contract-docs.test.ts compares them with the tree.
// Everything is sorted and no page depends on today's date, so the output is the same anywhere.
import fs from 'node:fs';
import path from 'node:path';
import { formNamespace, loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { VersionRegistry } from '../../src/composition/config/versions.js';
import { FORM_COEXISTENCE_MONTHS, MAX_LIVE_FORM_VERSIONS, type Catalogue, type Offer } from '../../src/domain/catalogue.js';
import { formatParisDateTime } from '../../src/domain/paris-calendar.js';
import { FAULTS, type FaultCode } from '../../src/domain/faults.js';
import { TEST_DESCRIPTIONS, TYPES_TEST } from '../../src/domain/line-tests.js';
import {
  ATTENTES,
  canTransition,
  CLOSED_STATES,
  ETAT_INITIAL,
  ETATS,
  HISTORY_DAYS,
  isTerminal,
  type Acteur,
} from '../../src/domain/signalisation.js';
import { MAX_COEXISTENCE_MONTHS, MAX_LIVE_VERSIONS, MIN_COEXISTENCE_MONTHS, type VersionPlanEntry } from '../../src/domain/versions.js';
import { ACTEUR_MEANING, ETAT_MEANING, FAULT_WHEN } from './descriptions.js';
import { cell, code, page, table, yesNo } from './markdown.js';
import { readWsdl, type WsdlService } from './wsdl-model.js';
import { SchemaSet, type FieldRow } from './xsd-model.js';
import { splitClark } from './xml-tree.js';

/** The hand-written pages of docs/contract/ (the index links them; the generator never writes them). */
export const HAND_WRITTEN_PAGES: ReadonlyArray<{ file: string; title: string; about: string }> = [
  {
    file: 'regles.md',
    title: 'Règles du service',
    about: 'dépôt idempotent, historique de 90 jours, rendez-vous (règle de nuit 01:00–04:00), test préalable, formulaires et nomenclatures, garantie',
  },
  {
    file: 'acces-et-plateformes.md',
    title: 'Accès, certificats et plateformes',
    about: 'TLS mutuelle, certificats du fournisseur ou d’une AC reconnue, profils, plateformes d’intégration et de production, promotion',
  },
  {
    file: 'exploitation.md',
    title: 'Exploitation',
    about: 'maintenance nocturne et travaux annoncés, limites de débit, volumétrie, cycle de vie des versions',
  },
  {
    file: 'notifications.md',
    title: 'Notifications poussées (service de rappel)',
    about: 'le service que l’opérateur implémente (`wsdl/callback/`) pour recevoir les changements de ses signalisations : message, ordre, dé-duplication, reprises, TLS mutuelle',
  },
];

/** WSDLs the operators implement (the gateway is their client): documented by hand, not as served services. */
const OPERATOR_IMPLEMENTED_WSDL_DIR = 'callback';

const ACTEURS: readonly Acteur[] = ['OPERATEUR', 'SAV', 'SYSTEME'];

interface PublishedService {
  readonly wsdl: WsdlService;
  /** e-SAV (versioned under /ws/vN/) or Interop'Fibre (/ws/interop/). */
  readonly family: 'e-SAV' | "Interop'Fibre";
  /** Major version: from the path for e-SAV, 1 for the Interop'Fibre contracts. */
  readonly version: string;
  /** Page path relative to docs/contract/. */
  readonly page: string;
  /** The registry's entry (e-SAV services), absent for the always-live Interop'Fibre contracts. */
  readonly plan?: VersionPlanEntry;
}

const rel = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

function listFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, ext));
    else if (entry.name.endsWith(ext)) out.push(full);
  }
  return out;
}

/** A Paris-midnight instant as its day, anything else as the full xs:dateTime. */
function showInstant(instant: Date): string {
  const text = formatParisDateTime(instant);
  return text.includes('T00:00:00') ? `${text.slice(0, 10)} (00:00, heure de Paris)` : text;
}

function readServices(root: string, registry: VersionRegistry): PublishedService[] {
  const callbacks = path.join(root, 'wsdl', OPERATOR_IMPLEMENTED_WSDL_DIR) + path.sep;
  const served = listFiles(path.join(root, 'wsdl'), '.wsdl').filter((file) => !file.startsWith(callbacks));
  const services = served.map((file): PublishedService => {
    const wsdl = readWsdl(root, rel(root, file));
    const esav = /^\/ws\/v([1-9][0-9]*)\/[^/]+$/.exec(wsdl.path);
    const interop = /^\/ws\/interop\/[^/]+$/.test(wsdl.path);
    if (!esav && !interop) throw new Error(`${wsdl.file}: address path ${wsdl.path} is neither /ws/v<N>/<service> nor /ws/interop/<contract>`);
    const version = esav ? esav[1]! : '1';
    const plan = registry.entries.find((e) => e.service === wsdl.name && e.version === version);
    if (esav && !plan) throw new Error(`${wsdl.file}: ${wsdl.name} v${version} is published but not in config/versions.yaml`);
    return {
      wsdl,
      family: esav ? 'e-SAV' : "Interop'Fibre",
      version,
      page: `services/${wsdl.path.replace(/^\/ws\//, '').replace(/\//g, '-')}.md`,
      ...(plan ? { plan } : {}),
    };
  });
  for (const entry of registry.entries) {
    if (!services.some((s) => s.plan === entry)) throw new Error(`config/versions.yaml: ${entry.service} v${entry.version} has no WSDL under wsdl/`);
  }
  const order = (s: PublishedService) => `${s.family === 'e-SAV' ? 0 : 1}|${s.wsdl.name}|${s.version.padStart(3, '0')}`;
  return services.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

function fieldTable(rows: readonly FieldRow[]): string {
  if (rows.length === 0) return '_Aucun champ._';
  return table(
    ['Champ', 'Type', 'Card.', 'Contraintes', 'Description'],
    rows.map((r) => [cell(code(r.path)), cell(r.type), r.cardinality, cell(r.constraints.join(' ; ')), cell(r.documentation)]),
  );
}

function elementSection(schemas: SchemaSet, key: string, level: string, title: string): string {
  const doc = schemas.elementDocumentation(key);
  return [`${level} ${title} : ${code(schemas.show(key))}`, doc ? `\n${doc}\n` : '', fieldTable(schemas.fieldsOf(key))].join('\n');
}

const distinct = (keys: readonly string[]): string[] => [...new Set(keys)];

function livePeriod(s: PublishedService): string {
  if (!s.plan) return 'toujours en service (hors registre des versions)';
  return `en production le ${showInstant(s.plan.production)}${s.plan.fin ? `, retirée le ${showInstant(s.plan.fin)}` : ', sans fin prévue'}`;
}

function servicePage(s: PublishedService, root: string): string {
  const { wsdl } = s;
  const up = '../../../';
  const payloadNs = distinct(wsdl.operations.map((o) => splitClark(o.input).ns));
  const requestHeaders = distinct(wsdl.operations.flatMap((o) => o.inputHeaders));
  const responseHeaders = distinct(wsdl.operations.flatMap((o) => o.outputHeaders));
  const faults = distinct(wsdl.operations.flatMap((o) => o.faults));
  const qualified = wsdl.operations.every((o) => wsdl.schemas.childrenQualified(o.input));
  const schemaFiles = wsdl.schemas.files.map((f) => rel(root, f));
  const out: string[] = [];
  out.push(`# ${wsdl.name} v${s.version} (${s.family})`, '');
  if (wsdl.documentation) out.push(`> ${wsdl.documentation}`, '');
  out.push(
    table(
      ['', ''],
      [
        ['Chemin', `${code(wsdl.path)} (WSDL : ${code(`${wsdl.path}?wsdl`)}, schémas sous ${code('/xsd/')})`],
        ['Version', `${s.version} : ${livePeriod(s)}`],
        ['Espace de noms des messages', payloadNs.map(code).join(', ')],
        ['Espace de noms du WSDL', code(wsdl.targetNamespace)],
        ['Liaison', `SOAP 1.1, ${wsdl.style}/literal, HTTPS avec certificat client (TLS mutuelle)`],
        [
          'Éléments enfants',
          qualified ? 'qualifiés (`elementFormDefault="qualified"`)' : 'non qualifiés : seuls les éléments globaux portent l’espace de noms (`elementFormDefault="unqualified"`)',
        ],
        ['Fichiers', [wsdl.file, ...schemaFiles].map((f) => `[${f}](${up}${f})`).join(', ')],
      ],
    ),
    '',
  );
  out.push('## Opérations', '');
  out.push(
    table(
      ['Opération', 'SOAPAction', 'Requête', 'Réponse', 'Description'],
      wsdl.operations.map((o) => [
        `[${o.name}](#${o.name.toLowerCase()})`,
        code(o.soapAction || '""'),
        code(wsdl.schemas.show(o.input)),
        code(wsdl.schemas.show(o.output)),
        cell(o.documentation || wsdl.schemas.elementDocumentation(o.input)),
      ]),
    ),
    '',
  );
  out.push('## En-têtes SOAP', '');
  if (requestHeaders.length === 0 && responseHeaders.length === 0) out.push('_Aucun en-tête._', '');
  for (const h of requestHeaders) out.push(elementSection(wsdl.schemas, h, '###', 'Requête'), '');
  for (const h of responseHeaders) out.push(elementSection(wsdl.schemas, h, '###', 'Réponse'), '');
  out.push('## Faute', '');
  out.push(
    'Toute erreur est une SOAP 1.1 Fault (HTTP 500, `faultcode` `soapenv:Client` ou `soapenv:Server`) dont le `detail` porte ' +
      'l’élément ci-dessous, avec le code e-SAV de [codes-erreur.md](../codes-erreur.md).',
    '',
  );
  for (const f of faults) out.push(elementSection(wsdl.schemas, f, '###', 'Détail'), '');
  for (const o of wsdl.operations) {
    out.push(`## ${o.name}`, '');
    if (o.documentation) out.push(o.documentation, '');
    const headers = (keys: readonly string[]) => (keys.length > 0 ? keys.map((k) => code(wsdl.schemas.show(k))).join(', ') : 'aucun');
    out.push(`- SOAPAction : ${code(o.soapAction || '""')}`);
    out.push(`- En-têtes : requête ${headers(o.inputHeaders)} ; réponse ${headers(o.outputHeaders)}`, '');
    out.push(elementSection(wsdl.schemas, o.input, '###', 'Requête'), '');
    out.push(elementSection(wsdl.schemas, o.output, '###', 'Réponse'), '');
  }
  return page([wsdl.file, ...schemaFiles, ...(s.plan ? ['config/versions.yaml'] : [])], out.join('\n'));
}

function faultsPage(services: readonly PublishedService[]): string {
  const codes = (Object.keys(FAULTS).map(Number) as FaultCode[]).sort((a, b) => a - b);
  const missing = codes.filter((c) => !FAULT_WHEN[c]);
  if (missing.length > 0) throw new Error(`tools/contract-docs/descriptions.ts: no FAULT_WHEN sentence for fault(s) ${missing.join(', ')}`);
  const details = new Map<string, { services: string[]; fields: string }>();
  for (const s of services) {
    for (const f of distinct(s.wsdl.operations.flatMap((o) => o.faults))) {
      const name = s.wsdl.schemas.show(f);
      const fields = s.wsdl.schemas.fieldsOf(f).map((r) => code(r.cardinality === '1' ? r.path : `${r.path}?`)).join(', ');
      const entry = details.get(name) ?? { services: [], fields };
      entry.services.push(`[${s.wsdl.name} v${s.version}](${s.page})`);
      details.set(name, entry);
    }
  }
  const out = [
    '# Codes d’erreur',
    '',
    'Une requête refusée reçoit une SOAP 1.1 Fault conforme au WS-I Basic Profile : statut HTTP 500, `faultcode` ' +
      '`soapenv:Client` quand l’appelant doit changer sa requête, `soapenv:Server` quand la même requête peut réussir plus ' +
      'tard, `faultstring` en français et un détail typé qui porte le code ci-dessous. Le libellé envoyé précise souvent ' +
      'le libellé générique (valeur en cause, versions en service, fin de maintenance…). Aucune trace technique ' +
      '(pile, SQL, chemin de fichier) ne sort de la passerelle.',
    '',
    '## Détail de la faute selon le contrat',
    '',
    table(
      ['Élément de détail', 'Champs (`?` : facultatif)', 'Services'],
      [...details].map(([name, d]) => [code(name), d.fields, d.services.join(', ')]),
    ),
    '',
    '## Codes',
    '',
    table(
      ['Code', 'Libellé', '`faultcode`', 'Quand'],
      codes.map((c) => [`**${c}**`, cell(FAULTS[c].libelle), code(`soapenv:${FAULTS[c].side}`), cell(FAULT_WHEN[c])]),
    ),
  ];
  return page(['src/domain/faults.ts', 'tools/contract-docs/descriptions.ts', 'wsdl/'], out.join('\n'));
}

function statesPage(): string {
  const missing = ETATS.filter((e) => !ETAT_MEANING[e]);
  if (missing.length > 0) throw new Error(`tools/contract-docs/descriptions.ts: no ETAT_MEANING sentence for ${missing.join(', ')}`);
  const transitions: Array<{ from: string; to: string; by: Acteur[] }> = [];
  for (const from of ETATS) {
    for (const to of ETATS) {
      const by = ACTEURS.filter((a) => canTransition(from, to, a));
      if (by.length > 0) transitions.push({ from, to, by });
    }
  }
  const diagram = [
    '```mermaid',
    'stateDiagram-v2',
    `    [*] --> ${ETAT_INITIAL}`,
    ...transitions.map((t) => `    ${t.from} --> ${t.to}: ${t.by.join(', ')}`),
    ...ETATS.filter(isTerminal).map((e) => `    ${e} --> [*]`),
    '```',
  ];
  const out = [
    '# États de la signalisation',
    '',
    `Une signalisation déposée commence dans l’état ${code(ETAT_INITIAL)}. Chaque changement d’état est une ligne ` +
      'd’historique ajoutée (date, état précédent, nouvel état, acteur, motif) que `consulterDetailSignalisation` restitue ; ' +
      'toute autre transition est refusée (faute 311 pour un opérateur).',
    '',
    '## États',
    '',
    table(
      ['État', 'Signification', 'Terminal', 'Clos (historique)'],
      ETATS.map((e) => [code(e), cell(ETAT_MEANING[e]), yesNo(isTerminal(e)), yesNo(CLOSED_STATES.includes(e))]),
    ),
    '',
    `Une signalisation \`GELE\` attend : ${ATTENTES.map(code).join(', ')}. ` +
      '`completerSignalisation` la remet `EN_COURS` quand elle attend une information ou l’accès au site ; la réservation ' +
      'd’un rendez-vous quand elle attend un rendez-vous.',
    '',
    `Les états clos (${CLOSED_STATES.map(code).join(', ')}) restent consultables ${HISTORY_DAYS} jours calendaires après la ` +
      'clôture (`consulterHistorique`) ; au-delà, faute 312.',
    '',
    '## Transitions autorisées',
    '',
    table(
      ['De', 'Vers', 'Par'],
      transitions.map((t) => [code(t.from), code(t.to), t.by.map(code).join(', ')]),
    ),
    '',
    'Acteurs : ' + ACTEURS.map((a) => `${code(a)} : ${ACTEUR_MEANING[a]}`).join(' ; ') + '.',
    '',
    ...diagram,
  ];
  return page(['src/domain/signalisation.ts', 'tools/contract-docs/descriptions.ts'], out.join('\n'));
}

function guaranteeCount(heuresOuvrees: boolean): string {
  return heuresOuvrees ? 'heures ouvrées (lundi–vendredi 08:00–18:00, heure de Paris, hors jours fériés)' : 'heures calendaires (24 h/24, 7 j/7)';
}

function formFields(root: string, offer: Offer): string[] {
  const out: string[] = [];
  for (const form of offer.formulaires) {
    const file = path.join(root, 'catalog', 'formulaires', form.idFormulaire, `v${form.version}.xsd`);
    const schemas = new SchemaSet();
    schemas.load(file);
    const rows = schemas.fieldsOf(`{${formNamespace(form.idFormulaire, form.version)}}champs`);
    const byCode = new Map(rows.map((r) => [r.path, r]));
    out.push(`#### ${form.idFormulaire} version ${form.version}`, '');
    out.push(
      `En production le ${form.dateProduction}` +
        (form.finCoexistence ? `, acceptée jusqu’au ${form.finCoexistence} exclu` : ', sans fin de coexistence prévue') +
        `. Schéma : [${rel(root, file)}](../../${rel(root, file)}) (espace de noms ${code(formNamespace(form.idFormulaire, form.version))}).`,
      '',
    );
    if (form.champs.length === 0) {
      out.push('_Aucun champ propre au formulaire._', '');
      continue;
    }
    out.push(
      table(
        ['Code', 'Libellé', 'Obligatoire', 'Type', 'Contraintes', 'Précisions'],
        form.champs.map((c) => {
          const row = byCode.get(c.code);
          if (!row) throw new Error(`${rel(root, file)}: field ${c.code} of the catalogue not found in the schema`);
          return [code(c.code), cell(c.libelle), yesNo(c.obligatoire), cell(row.type), cell(row.constraints.join(' ; ')), cell(row.typeDocumentation)];
        }),
      ),
      '',
    );
  }
  return out;
}

function cataloguePage(root: string, catalogue: Catalogue): string {
  const offers = [...catalogue.offers.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  const guarantees = [...catalogue.guarantees.values()];
  const out: string[] = [
    '# Catalogue des offres',
    '',
    '`consulterCatalogue` restitue ce catalogue tel qu’il est en service au jour de l’appel : offres commercialisées, ' +
      'versions de formulaire en service, nomenclatures, garanties et tests. Les dates sont des jours calendaires de ' +
      'Paris ; une offre n’accepte de signalisation qu’à partir de sa date de mise en place (faute 301 avant).',
    '',
    '## Synthèse',
    '',
    table(
      ['Offre', 'Libellé', 'Technologie', 'Commercialisation', 'Mise en place', 'Canaux', 'Garanties', 'Tests', 'Test préalable'],
      offers.map((o) => [
        `[${o.code}](#${o.code.toLowerCase()})`,
        cell(o.libelle),
        code(o.technologie),
        o.dateCommercialisation,
        o.dateMiseEnPlace,
        o.canauxSignalisation.map(code).join(', '),
        o.garanties.map(code).join(', '),
        o.tests.disponibles.length > 0 ? o.tests.disponibles.map(code).join(', ') : 'aucun',
        o.tests.testPrealableRequis ? `requis (KO de moins de ${o.tests.validiteTestPrealableHeures} h)` : 'non',
      ]),
    ),
    '',
    '## Garanties de temps de rétablissement (GTR)',
    '',
    'L’échéance de rétablissement court du dépôt, est suspendue tant que la signalisation est `GELE` et s’arrête à la clôture.',
    '',
    table(
      ['Code', 'Libellé', 'Délai (h)', 'Décompte'],
      guarantees.map((g) => [code(g.code), cell(g.libelle), String(g.delaiHeures), guaranteeCount(g.heuresOuvrees)]),
    ),
    '',
    '## Tests de ligne',
    '',
    table(
      ['Type', 'Libellé', 'Agit sur le réseau', 'Offres'],
      TYPES_TEST.map((t) => [
        code(t),
        cell(TEST_DESCRIPTIONS[t].libelle),
        yesNo(TEST_DESCRIPTIONS[t].actionSurReseau),
        offers.filter((o) => o.tests.disponibles.includes(t)).map((o) => code(o.code)).join(', ') || '—',
      ]),
    ),
    '',
  ];
  for (const o of offers) {
    out.push(`## ${o.code}`, '', `**${cell(o.libelle)}** — source : [catalog/offres/${o.code}.yaml](../../catalog/offres/${o.code}.yaml)`, '');
    out.push(
      `- Technologie ${code(o.technologie)}, offre ${o.offreActivee ? 'activée (tests réseau possibles)' : 'passive (sans test réseau)'}.`,
      `- Commercialisée le ${o.dateCommercialisation}, signalisations acceptées à partir du ${o.dateMiseEnPlace}.`,
      `- Canaux de signalisation : ${o.canauxSignalisation.map(code).join(', ')}.`,
      `- Garanties : ${o.garanties.map(code).join(', ')}.`,
      `- Tests : ${o.tests.disponibles.length > 0 ? o.tests.disponibles.map(code).join(', ') : 'aucun'}` +
        (o.tests.testPrealableRequis ? ` ; test préalable requis : un test KO de moins de ${o.tests.validiteTestPrealableHeures} h sur la prestation.` : ' ; pas de test préalable.'),
      '',
    );
    out.push('### Nomenclatures', '');
    for (const [name, list] of [['defautDeclare', o.nomenclatures.defautDeclare], ['localisationPresumee', o.nomenclatures.localisationPresumee]] as const) {
      out.push(`#### ${name}`, '');
      out.push(list.length > 0 ? table(['Code', 'Libellé'], list.map((e) => [code(e.code), cell(e.libelle)])) : '_Liste vide._', '');
    }
    out.push('### Formulaires', '');
    out.push(
      table(
        ['Formulaire', 'Version', 'En production le', 'Fin de coexistence (exclue)', 'Champs (obligatoires)'],
        o.formulaires.map((f) => [
          code(f.idFormulaire),
          String(f.version),
          f.dateProduction,
          f.finCoexistence ?? '—',
          f.champs.length > 0 ? f.champs.map((c) => (c.obligatoire ? `**${c.code}**` : c.code)).join(', ') : '—',
        ]),
      ),
      '',
    );
    out.push(...formFields(root, o));
  }
  return page(['catalog/garanties.yaml', 'catalog/offres/*.yaml', 'catalog/formulaires/*/*.xsd', 'src/domain/line-tests.ts'], out.join('\n'));
}

function versionsPage(services: readonly PublishedService[], catalogue: Catalogue): string {
  const out = [
    '# Versions',
    '',
    '## Versions des web services',
    '',
    `Au plus ${MAX_LIVE_VERSIONS} versions de chaque service sont en service en même temps. Une ancienne version reste en ` +
      `service entre ${MIN_COEXISTENCE_MONTHS} et ${MAX_COEXISTENCE_MONTHS} mois après la mise en production de la suivante ; ` +
      'une version retirée ou pas encore en production répond la faute 400, dont le libellé liste les versions en service ' +
      'et leurs chemins. Chaque version a son chemin, son espace de noms, son WSDL et ses schémas ; l’en-tête `versionWS` ' +
      'doit porter la version du chemin appelé.',
    '',
    'Calendrier (registre des versions `config/versions.yaml`, vérifié au démarrage de la passerelle) :',
    '',
    table(
      ['Service', 'Version', 'Chemin', 'Mise en production', 'Retrait'],
      services.map((s) => [
        `[${s.wsdl.name}](${s.page})`,
        s.version,
        code(s.wsdl.path),
        s.plan ? showInstant(s.plan.production) : 'toujours en service',
        s.plan?.fin ? showInstant(s.plan.fin) : '—',
      ]),
    ),
    '',
    '## Versions des formulaires',
    '',
    `Au plus ${MAX_LIVE_FORM_VERSIONS} versions de chaque formulaire sont acceptées le même jour. Une version reste acceptée ` +
      `${FORM_COEXISTENCE_MONTHS} mois après la mise en production de la suivante (fin de coexistence, exclue) ; ensuite la ` +
      'faute 302. Le formulaire d’une offre porte le code de l’offre.',
    '',
    table(
      ['Offre', 'Version', 'En production le', 'Fin de coexistence (exclue)'],
      [...catalogue.offers.values()]
        .sort((a, b) => (a.code < b.code ? -1 : 1))
        .flatMap((o) => o.formulaires.map((f) => [`[${o.code}](catalogue.md#${o.code.toLowerCase()})`, String(f.version), f.dateProduction, f.finCoexistence ?? '—'])),
    ),
  ];
  return page(['config/versions.yaml', 'src/domain/versions.ts', 'src/domain/catalogue.ts', 'catalog/offres/*.yaml', 'wsdl/'], out.join('\n'));
}

function indexPage(services: readonly PublishedService[]): string {
  const out = [
    '# Contrat e-SAV intégré : référence fonctionnelle et technique',
    '',
    'La référence des équipes d’intégration des opérateurs : services, opérations, champs, états, codes d’erreur, ' +
      'catalogue, versions et règles du service. Les pages de la « Référence générée » et des services sont produites par ' +
      '`npm run docs:contract` à partir de ce que la passerelle sert et vérifie elle-même (WSDL et XSD sous `wsdl/` et ' +
      '`xsd/`, catalogue sous `catalog/`, registre `config/versions.yaml`, codes d’erreur et cycle de vie de ' +
      '`src/domain/`) ; un test échoue si elles ne correspondent plus à ces sources. Les autres pages sont rédigées.',
    '',
    '## Services publiés',
    '',
    'Chaque service est servi en HTTPS avec certificat client sur le port des opérateurs ; son WSDL est à ' +
      '`<chemin>?wsdl` et chaque schéma qu’il importe est joignable par URL sous `/xsd/`.',
    '',
    table(
      ['Service', 'Contrat', 'Version', 'Chemin', 'Opérations', 'En service'],
      services.map((s) => [
        `[${s.wsdl.name}](${s.page})`,
        s.family,
        s.version,
        code(s.wsdl.path),
        String(s.wsdl.operations.length),
        cell(livePeriod(s)),
      ]),
    ),
    '',
    '## Référence générée',
    '',
    '- [Codes d’erreur](codes-erreur.md) : code, libellé, `faultcode`, cas, détail de faute de chaque contrat.',
    '- [États de la signalisation](etats-signalisation.md) : états, transitions autorisées et acteurs.',
    '- [Catalogue](catalogue.md) : offres, formulaires et leurs champs, nomenclatures, garanties, tests.',
    '- [Versions](versions.md) : calendrier des versions des services et des formulaires.',
    ...services.map((s) => `- [${s.wsdl.name} v${s.version}](${s.page}) (${s.family}) : ${s.wsdl.operations.map((o) => code(o.name)).join(', ')}.`),
    '',
    '## Règles du service (rédigées)',
    '',
    ...HAND_WRITTEN_PAGES.map((p) => `- [${p.title}](${p.file}) : ${p.about}.`),
    '',
    '## Mettre à jour',
    '',
    'Après un changement de WSDL, de XSD, du catalogue, du registre des versions, des codes d’erreur ou des états : ' +
      '`npm run docs:contract`, puis commiter `docs/contract/`. `test/unit/contract-docs.test.ts` régénère les pages en ' +
      'mémoire et échoue tant qu’elles diffèrent. Les pages rédigées se modifient à la main.',
  ];
  return page(['wsdl/', 'config/versions.yaml'], out.join('\n'));
}

/** Every generated page, path relative to docs/contract/ → content. */
export function generateContractDocs(root: string): Map<string, string> {
  const registry = VersionRegistry.load(path.join(root, 'config', 'versions.yaml'));
  const catalogue = loadCatalogue(path.join(root, 'catalog'));
  const services = readServices(root, registry);
  const pages = new Map<string, string>();
  pages.set('README.md', indexPage(services));
  pages.set('codes-erreur.md', faultsPage(services));
  pages.set('etats-signalisation.md', statesPage());
  pages.set('catalogue.md', cataloguePage(root, catalogue));
  pages.set('versions.md', versionsPage(services, catalogue));
  for (const s of services) pages.set(s.page, servicePage(s, root));
  return pages;
}
