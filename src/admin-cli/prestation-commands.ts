// The support commands of the prestations (`npm run admin -- prestations …`, issue 14, decision
// 0017): import a file from the provider's inventory (streamed to the admin API, with a progress
// bar on stderr), follow an import, list its refused lines, show and terminate a prestation.
// Clients of the routes of src/adapters/admin-api/prestations-routes.ts.
//
// `prestations importer` exits with 0 when every line was accepted; 1 when the file was refused
// as a whole or when some lines were refused (the others are imported: the report lists the
// refused ones); 3 on a technical failure.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ImportJson, PrestationJson, RejectJson } from '../adapters/admin-api/prestations-routes.js';
import { date, printable, table } from './format.js';
import type { Op, Print } from './operation.js';
import { agentOf, agentOption } from './agent.js';


export interface PrestationCommandDeps {
  op: Op;
  print: Print;
  env: NodeJS.ProcessEnv;
  /** Ends the command with this exit code and message (on stderr). */
  fail(exitCode: number, message: string): never;
  /** Where the progress bar goes (stderr). */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
}

const CONTENT_TYPES = { csv: 'text/csv', json: 'application/json', ndjson: 'application/x-ndjson' } as const;
type Format = keyof typeof CONTENT_TYPES;
const POLL_MS = 500;

function formatOf(file: string, given: string | undefined): Format {
  if (given) return given as Format;
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  return 'csv';
}

const integerOption = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`un entier de ${min} à ${max} est attendu`);
  return n;
};

const number = (n: number) => n.toLocaleString('fr-FR');
const megabytes = (bytes: number) => `${(bytes / 1_048_576).toLocaleString('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} Mo`;

/** `[##########··········]  48 %  12,3 Mo / 25,6 Mo  ·  98 765 lignes lues (1 234 refusées)` */
export function progressLine(sent: number, size: number, seen: ImportJson | undefined): string {
  const ratio = size > 0 ? Math.min(1, sent / size) : 1;
  const filled = Math.round(ratio * 30);
  const bar = `[${'#'.repeat(filled)}${'·'.repeat(30 - filled)}]`;
  const lines = seen ? `  ·  ${number(seen.lignesLues)} lignes lues (${number(seen.lignesRefusees)} refusées)` : '';
  return `${bar} ${String(Math.floor(ratio * 100)).padStart(3)} %  ${megabytes(sent)} / ${megabytes(size)}${lines}`;
}

const STATES: Record<string, string> = {
  RUNNING: 'en cours',
  DONE: 'importé',
  DRY_RUN: 'simulation (rien n’est écrit)',
  REFUSED: 'fichier refusé : rien n’est importé',
  FAILED: 'échec technique : rien n’est importé',
};

export function formatImport(i: ImportJson): string {
  const lines = [
    `import ${i.id} — ${STATES[i.etat] ?? i.etat}${i.motif ? ` : ${printable(i.motif)}` : ''}`,
    `  format ${i.format}, par ${printable(i.agent)}, du ${date(i.debut)} au ${date(i.fin)}${i.seuilRejets !== null ? `, seuil de rejets ${number(i.seuilRejets)}` : ''}`,
    `  lignes lues ${number(i.lignesLues)} · acceptées ${number(i.lignesAcceptees)} · refusées ${number(i.lignesRefusees)} · ${number(i.octetsLus)} octets`,
  ];
  if (i.etat === 'DONE' || i.etat === 'DRY_RUN') {
    const verb = i.etat === 'DRY_RUN' ? 'seraient ' : '';
    lines.push(`  prestations ${verb}créées ${number(i.creees)} · ${verb}modifiées ${number(i.modifiees)} · inchangées ${number(i.inchangees)}`);
  }
  return lines.join('\n');
}

export function formatRejects(list: RejectJson[]): string {
  if (list.length === 0) return 'aucune ligne refusée';
  return table(
    ['LIGNE', 'IDENTIFIANT', 'CHAMP', 'MOTIF'],
    list.map((r) => [String(r.ligne), r.identifiant ?? '—', r.champ ?? '—', r.motif]),
  );
}

export function formatPrestation(p: PrestationJson): string {
  const pairs: Array<[string, string]> = [
    ['Opérateur', p.operateur],
    ['Offre', p.offre],
    ['Commune (INSEE)', p.codeInsee ?? '—'],
    ['Garantie', p.garantie],
    ['Activation', p.dateActivation ?? '—'],
    ['Résiliation', p.dateResiliation ?? '—'],
    ['En service', p.enService ? 'oui' : 'non'],
    ['Extrémités', p.extremites.map((e) => `${String(e.type)}${e.reference ? `:${String(e.reference)}` : ''}`).join(' | ') || '—'],
    ['Informations', p.informations.map((i) => `${i.code}=${i.valeur}`).join(' | ') || '—'],
    ['Signalisations', String(p.signalisations)],
  ];
  const width = Math.max(...pairs.map(([l]) => l.length));
  return [`prestation ${p.identifiant}`, ...pairs.map(([l, v]) => `  ${l.padEnd(width)} : ${printable(v)}`)].join('\n');
}

export function addPrestationCommands(program: Command, deps: PrestationCommandDeps): void {
  const { op, print, env } = deps;
  const prestations = program.command('prestations').description('prestations : import en masse (CSV, JSON), suivi, lignes refusées, résiliation');

  async function allRejects(command: Command, id: string): Promise<RejectJson[]> {
    const all: RejectJson[] = [];
    let after = 0;
    for (;;) {
      const page = await op<{ rejets: RejectJson[]; suivant: number | null }>(command, 'listPrestationImportRejects', { params: { id }, query: { apres: after, limite: 1000 } });
      all.push(...page.rejets);
      if (page.suivant === null) return all;
      after = page.suivant;
    }
  }

  prestations
    .command('importer')
    .description('importe un fichier de prestations (envoyé en flux, barre de progression sur stderr) puis affiche le bilan et les lignes refusées')
    .argument('<fichier>', 'fichier CSV (séparateur ; ou ,), JSON (tableau d’objets) ou NDJSON')
    .option('--simulation', 'vérifie tout et donne le bilan sans rien écrire')
    .addOption(new Option('--format <format>', 'format du fichier (défaut : d’après son extension, sinon csv)').choices(Object.keys(CONTENT_TYPES)))
    .addOption(new Option('--max-rejets <n>', 'au-delà de n lignes refusées, le fichier entier est refusé').argParser(integerOption(0, 100_000_000)))
    .addOption(agentOption())
    .action(async (file: string, o: { simulation?: boolean; format?: string; maxRejets?: number; agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch (error) {
        deps.fail(2, `fichier ${file} illisible : ${(error as Error).message}`);
      }
      const format = formatOf(file, o.format);
      const id = randomUUID();
      const query = { agent, id, simulation: o.simulation ? true : undefined, maxRejets: o.maxRejets };
      const bar = deps.progress ?? process.stderr;
      let sent = 0;
      const counted = fs.createReadStream(file).pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, done) {
            sent += chunk.length;
            done(null, chunk);
          },
        }),
      );
      let seen: ImportJson | undefined;
      let lastStep = -1;
      const draw = (final = false) => {
        const line = progressLine(sent, size, seen);
        if (bar.isTTY) bar.write(`\r${line}${final ? '\n' : ''}`);
        else {
          // Not a terminal: a line per tenth of the file (and the last one).
          const step = Math.floor((size > 0 ? sent / size : 1) * 10);
          if (step > lastStep || final) {
            lastStep = step;
            bar.write(`${line}\n`);
          }
        }
      };
      let polling = true;
      const poller = (async () => {
        while (polling) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          if (!polling) break;
          seen = await op<ImportJson>(command, 'getPrestationImport', { params: { id } }).catch(() => seen);
          draw();
        }
      })();
      // Through the shared admin client (decision 0020): the file is streamed as it is read.
      let result: ImportJson;
      try {
        result = await op<ImportJson>(command, 'importPrestations', { query, body: counted, contentType: CONTENT_TYPES[format] });
      } finally {
        polling = false;
        await poller;
      }
      seen = result;
      sent = size;
      draw(true);
      const rejets = result.lignesRefusees > 0 ? await allRejects(command, result.id) : [];
      print(command, { import: result, rejets }, () => `${formatImport(result)}${rejets.length > 0 ? `\n\nlignes refusées :\n${formatRejects(rejets)}` : ''}`);
      if (result.etat === 'REFUSED' || result.etat === 'FAILED') deps.fail(1, `fichier refusé : ${result.motif ?? result.etat}`);
      if (result.lignesRefusees > 0) deps.fail(1, `${number(result.lignesRefusees)} ligne(s) refusée(s) (les autres sont ${result.etat === 'DRY_RUN' ? 'vérifiées' : 'importées'})`);
    });

  prestations
    .command('import')
    .description('état, avancement et bilan d’un import')
    .argument('<id>', 'identifiant de l’import (UUID)')
    .action(async (id: string, _o: unknown, command: Command) => {
      const found = await op<ImportJson>(command, 'getPrestationImport', { params: { id } });
      print(command, found, () => formatImport(found));
    });

  prestations
    .command('imports')
    .description('les imports récents, les plus récents d’abord')
    .addOption(new Option('--limite <n>', 'nombre d’imports (1 à 200)').argParser(integerOption(1, 200)).default(20))
    .action(async (o: { limite: number }, command: Command) => {
      const result = await op<{ imports: ImportJson[] }>(command, 'listPrestationImports', { query: { limite: o.limite } });
      print(command, result, () =>
        result.imports.length === 0
          ? 'aucun import'
          : table(
              ['ID', 'ÉTAT', 'DÉBUT', 'LUES', 'REFUSÉES', 'AGENT'],
              result.imports.map((i) => [i.id, i.etat, date(i.debut), String(i.lignesLues), String(i.lignesRefusees), i.agent]),
            ),
      );
    });

  prestations
    .command('rejets')
    .description('les lignes refusées d’un import (numéro de ligne, identifiant, champ, motif)')
    .argument('<id>', 'identifiant de l’import (UUID)')
    .addOption(new Option('--apres <ligne>', 'à partir de la ligne suivant celle-ci').argParser(integerOption(0, 2_000_000_000)).default(0))
    .addOption(new Option('--limite <n>', 'nombre de lignes (1 à 1000)').argParser(integerOption(1, 1000)).default(100))
    .action(async (id: string, o: { apres: number; limite: number }, command: Command) => {
      const page = await op<{ rejets: RejectJson[]; suivant: number | null }>(command, 'listPrestationImportRejects', { params: { id }, query: { apres: o.apres, limite: o.limite } });
      print(command, page, () => `${formatRejects(page.rejets)}${page.suivant !== null ? `\n(suite : --apres ${page.suivant})` : ''}`);
    });

  prestations
    .command('voir')
    .description('une prestation : offre, commune, garantie, dates, en service, signalisations')
    .argument('<identifiant>', 'identifiant de la prestation')
    .action(async (identifiant: string, _o: unknown, command: Command) => {
      const p = await op<PrestationJson>(command, 'getPrestation', { params: { identifiant } });
      print(command, p, () => formatPrestation(p));
    });

  prestations
    .command('resilier')
    .description('résilie une prestation : plus de dépôt à partir de cette date (jour de Paris) ; ses signalisations restent')
    .argument('<identifiant>', 'identifiant de la prestation')
    .requiredOption('--date <AAAA-MM-JJ>', 'premier jour hors service')
    .addOption(agentOption())
    .action(async (identifiant: string, o: { date: string; agent?: string }, command: Command) => {
      const p = await op<PrestationJson>(command, 'terminatePrestation', { params: { identifiant }, body: { agent: agentOf(o, env), date: o.date } });
      print(command, p, () => `résiliée au ${p.dateResiliation ?? '—'} : ${p.identifiant} (${p.signalisations} signalisation(s) conservée(s))`);
    });
}
