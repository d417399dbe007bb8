// The back-office commands of the running rules (`npm run admin -- …`): maintenance windows,
// rate limits and volumetry. Clients of the admin API routes of src/adapters/admin-api/operations-routes.ts.
import type { Op, Print } from './operation.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { VOLUMETRY_KINDS } from '../domain/volumetry.js';
import type { MaintenanceWindowJson, RateLimitJson, VolumetryReportJson } from '../adapters/admin-api/operations-routes.js';
import type { MaintenanceStatus } from '../adapters/admin-api/operations-routes.js';
import { date, table } from './format.js';
import { parseDate } from './travaux-commands.js';
import { agentOf, agentOption } from './agent.js';

/** `--forcer`: forces a notice period of the contract announced too late (audited with the agent, decision 0022). */
const forceOption = () => new Option('--forcer', 'force le préavis du contrat annoncé trop tard (audité avec --agent)');

/** The body fields of a forced announcement (the agent is required then). */
function forced(o: { forcer?: boolean; agent?: string }, env: NodeJS.ProcessEnv): Record<string, unknown> {
  if (!o.forcer) return o.agent ? { agent: o.agent } : {};
  return { force: true, agent: agentOf(o, env) };
}


function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidArgumentError('un entier de 1 à 500 est attendu');
  return n;
}

export function formatMaintenanceStatus(etat: MaintenanceStatus, nocturne: { heure: string; dureeMinutes: number } | null): string {
  const lines = [
    etat.enMaintenance
      ? `EN MAINTENANCE (${etat.nature === 'NOCTURNE' ? 'maintenance nocturne' : `travaux ${etat.reference ?? ''} : ${etat.motif ?? ''}`}) jusqu’au ${date(etat.fin)}`
      : 'service ouvert',
    `maintenance nocturne : ${nocturne ? `${nocturne.heure} (heure de Paris), ${nocturne.dureeMinutes} min` : 'aucune'}`,
  ];
  if (etat.prochaine) lines.push(`prochaine : ${etat.prochaine.nature} du ${date(etat.prochaine.debut)} au ${date(etat.prochaine.fin)}`);
  return lines.join('\n');
}

export function formatMaintenanceWindows(list: MaintenanceWindowJson[]): string {
  if (list.length === 0) return 'aucune fenêtre de travaux annoncée';
  return table(
    ['RÉFÉRENCE', 'DÉBUT', 'FIN', 'ANNONCÉE LE', 'ÉTAT', 'MOTIF'],
    list.map((w) => [w.reference, date(w.debut), date(w.fin), date(w.dateAnnonce), w.dateAnnulation ? `annulée le ${date(w.dateAnnulation)}` : 'prévue', w.motif]),
  );
}

function addMaintenanceCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {
  const maintenance = program
    .command('maintenance')
    .description('maintenance : état, fenêtres de travaux annoncées (faute 402 pendant la fenêtre, préavis de deux jours ouvrés)');

  maintenance
    .command('etat')
    .description('le service est-il en maintenance ? fenêtre nocturne configurée, prochaine fenêtre')
    .action(async (_o: unknown, command: Command) => {
      const result = await op<{ etat: MaintenanceStatus; nocturne: { heure: string; dureeMinutes: number } | null }>(command, 'getMaintenanceStatus');
      print(command, result, () => formatMaintenanceStatus(result.etat, result.nocturne));
    });

  maintenance
    .command('annoncer')
    .description('annonce une fenêtre de travaux et publie son avis aux opérateurs : refusée si elle commence moins de deux jours ouvrés après maintenant (sauf --forcer, audité)')
    .requiredOption('--debut <date>', 'début, ex. 2026-03-02T22:00 (heure de Paris)', parseDate)
    .requiredOption('--fin <date>', 'fin prévue (donnée aux opérateurs dans la faute 402)', parseDate)
    .requiredOption('--motif <texte>', 'motif (1 à 255 caractères)')
    .addOption(forceOption())
    .addOption(agentOption())
    .action(async (o: { debut: string; fin: string; motif: string; forcer?: boolean; agent?: string }, command: Command) => {
      const created = await op<MaintenanceWindowJson>(command, 'announceMaintenanceWindow', { body: { debut: o.debut, fin: o.fin, motif: o.motif, ...forced(o, env) } });
      print(command, created, () => `annoncée : ${created.reference} du ${date(created.debut)} au ${date(created.fin)} (${created.motif})`);
    });

  maintenance
    .command('lister')
    .description('les fenêtres de travaux à venir ou en cours (annulées comprises)')
    .addOption(new Option('--limite <n>', 'nombre maximum de lignes (1 à 500)').argParser(parseLimit).default(50))
    .action(async (o: { limite: number }, command: Command) => {
      const result = await op<{ fenetres: MaintenanceWindowJson[] }>(command, 'listMaintenanceWindows', { query: { limite: o.limite } });
      print(command, result, () => formatMaintenanceWindows(result.fenetres));
    });

  maintenance
    .command('annuler')
    .description('annule une fenêtre de travaux annoncée')
    .argument('<reference>', 'référence de la fenêtre (MNT-…)')
    .addOption(agentOption())
    .action(async (reference: string, o: { agent?: string }, command: Command) => {
      const cancelled = await op<MaintenanceWindowJson>(command, 'cancelMaintenanceWindow', { params: { reference }, body: { agent: agentOf(o, env) } });
      print(command, cancelled, () => `${cancelled.reference} annulée le ${date(cancelled.dateAnnulation)}`);
    });
}

function parseRate(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new InvalidArgumentError('un entier de 1 à 1000000 est attendu');
  return n;
}

function parseOperator(value: string): string {
  if (!/^[A-Z0-9]{4}$/.test(value)) throw new InvalidArgumentError('code opérateur de 4 caractères attendu (ex. OPA1)');
  return value;
}

export function formatRateLimits(list: RateLimitJson[]): string {
  if (list.length === 0) return 'aucune limite de débit';
  return table(
    ['OPÉRATEUR', 'REQ/MIN', 'À PARTIR DU', 'EN VIGUEUR', 'MOTIF'],
    list.map((l) => [l.operateur, l.requetesParMinute === null ? 'levée' : String(l.requetesParMinute), date(l.aPartirDe), l.enVigueur ? 'oui' : 'à venir', l.motif ?? '—']),
  );
}

function addRateLimitCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {
  const limite = program.command('limite').description('limites de débit par opérateur (requêtes par minute ; au-delà, faute 401)');

  const define = async (command: Command, body: Record<string, unknown>) => {
    const result = await op<{ limite: RateLimitJson; avertissement?: string }>(command, 'setRateLimit', { body });
    print(command, result, () => {
      const l = result.limite;
      const what = l.requetesParMinute === null ? 'limite levée' : `limite de ${l.requetesParMinute} requêtes par minute`;
      return [`${l.operateur} : ${what} à partir du ${date(l.aPartirDe)}`, ...(result.avertissement ? [result.avertissement] : [])].join('\n');
    });
  };

  limite
    .command('definir')
    .description('fixe la limite d’un opérateur à partir d’une date et publie son avis à l’opérateur (annoncée la veille : refusée si moins d’un jour avant, sauf --forcer, audité)')
    .requiredOption('--operateur <code>', 'code opérateur (ex. OPA1)', parseOperator)
    .requiredOption('--rpm <n>', 'requêtes par minute admises', parseRate)
    .option('--a-partir <date>', 'date d’effet, ex. 2026-03-02T08:00 (heure de Paris) ; défaut : maintenant', parseDate)
    .option('--motif <texte>', 'motif (1 à 255 caractères)')
    .addOption(forceOption())
    .addOption(agentOption())
    .action(async (o: { operateur: string; rpm: number; aPartir?: string; motif?: string; forcer?: boolean; agent?: string }, command: Command) =>
      define(command, {
        operateur: o.operateur,
        requetesParMinute: o.rpm,
        ...(o.aPartir !== undefined ? { aPartirDe: o.aPartir } : {}),
        ...(o.motif !== undefined ? { motif: o.motif } : {}),
        ...forced(o, env),
      }),
    );

  limite
    .command('lever')
    .description('lève la limite d’un opérateur à partir d’une date')
    .requiredOption('--operateur <code>', 'code opérateur', parseOperator)
    .option('--a-partir <date>', 'date d’effet ; défaut : maintenant', parseDate)
    .option('--motif <texte>', 'motif')
    .action(async (o: { operateur: string; aPartir?: string; motif?: string }, command: Command) =>
      define(command, {
        operateur: o.operateur,
        requetesParMinute: null,
        ...(o.aPartir !== undefined ? { aPartirDe: o.aPartir } : {}),
        ...(o.motif !== undefined ? { motif: o.motif } : {}),
      }),
    );

  limite
    .command('lister')
    .description('les limites en vigueur et à venir')
    .action(async (_o: unknown, command: Command) => {
      const result = await op<{ limites: RateLimitJson[] }>(command, 'listRateLimits');
      print(command, result, () => formatRateLimits(result.limites));
    });
}

const csvCell = (value: string): string => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The report as CSV (RFC 4180, comma, ISO-8601 UTC minutes): operateur[,minute],<five kinds>,total. */
export function volumetryCsv(report: VolumetryReportJson): string {
  const perMinute = report.detail !== 'total';
  const header = ['operateur', ...(perMinute ? ['minute'] : []), ...VOLUMETRY_KINDS, 'total'];
  const rows = report.lignes.map((l) => [l.operateur, ...(perMinute ? [l.minute ?? ''] : []), ...VOLUMETRY_KINDS.map((k) => String(l.compteurs[k])), String(l.total)]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n');
}

export function formatVolumetry(report: VolumetryReportJson): string {
  const perMinute = report.detail !== 'total';
  const title = `volumétrie du ${date(report.debut)} au ${date(report.fin)}`;
  if (report.lignes.length === 0) return `${title} : aucune requête comptée`;
  const rows = report.lignes.map((l) => [l.operateur, ...(perMinute ? [date(l.minute)] : []), ...VOLUMETRY_KINDS.map((k) => String(l.compteurs[k])), String(l.total)]);
  rows.push(['TOTAL', ...(perMinute ? [''] : []), ...VOLUMETRY_KINDS.map((k) => String(report.totaux[k])), String(report.total)]);
  return `${title}\n${table(['OPÉRATEUR', ...(perMinute ? ['MINUTE'] : []), ...VOLUMETRY_KINDS, 'TOTAL'], rows)}`;
}

function addVolumetryCommand(program: Command, op: Op, print: Print): void {
  program
    .command('volumetrie')
    .description('requêtes comptées par opérateur (et par minute) dans les cinq catégories, sur une période [début, fin)')
    .requiredOption('--debut <date>', 'début de la période, ex. 2026-11-01T00:00 (heure de Paris)', parseDate)
    .requiredOption('--fin <date>', 'fin de la période (exclue)', parseDate)
    .option('--operateur <code>', 'un seul opérateur', parseOperator)
    .option('--par-minute', 'une ligne par opérateur et par minute (100 000 lignes opérateur × minute × type au plus : au-delà, refusé)')
    .option('--pic', 'la minute la plus chargée de chaque opérateur')
    .option('--csv', 'sortie CSV (séparateur virgule) au lieu du tableau')
    .action(async (o: { debut: string; fin: string; operateur?: string; parMinute?: boolean; pic?: boolean; csv?: boolean }, command: Command) => {
      if (o.parMinute && o.pic) command.error('--par-minute et --pic ne vont pas ensemble', { exitCode: 2 });
      const query = { debut: o.debut, fin: o.fin, detail: o.parMinute ? 'minute' : o.pic ? 'pic' : 'total', operateur: o.operateur };
      const report = await op<VolumetryReportJson>(command, 'getVolumetry', { query });
      print(command, report, () => (o.csv ? volumetryCsv(report) : formatVolumetry(report)));
    });
}

export function addOperationsCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv = process.env): void {
  addMaintenanceCommands(program, op, print, env);
  addRateLimitCommands(program, op, print, env);
  addVolumetryCommand(program, op, print);
}
