#!/usr/bin/env node
// The back-office (SAV) command line: `npm run admin -- <command>`. A client of the admin API
// (src/adapters/admin-api/app.ts) over HTTP through the shared admin client (src/admin-client),
// calling its operations by operationId (decision 0020); it never touches the database itself.
//
// Exit codes: 0 done · 1 refused by the API (invalid transition, unknown reference, bad token…)
// · 2 usage error (unknown command or option, missing argument, no token found)
// · 3 technical failure (API unreachable, server error).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ATTENTES, ETATS, isEtat, type Etat } from '../domain/signalisation.js';
import { PROJECT_ROOT } from '../adapters/paths.js';
import { formatDetail, formatList, formatSweep, formatTransition, type DetailJson, type SignalisationJson } from './format.js';
import { adminTokenPath, readAdminToken } from '../adapters/admin-api/token.js';
import { addOperationsCommands } from './operations-commands.js';
import { addNoticeCommands } from './notice-commands.js';
import { addOperatorCommands } from './operator-commands.js';
import { addTravauxCommands } from './travaux-commands.js';
import { addConformanceCommands } from './conformance-commands.js';
import { addPortalCommands } from './portal-commands.js';
import { addPrestationCommands } from './prestation-commands.js';
import { addExploitationCommands } from './exploitation-commands.js';
import { addPushCommands } from './push-commands.js';
import { addCapacityCommands } from './capacity-commands.js';
import { addLifecycleCommands } from './lifecycle-commands.js';
import { addCrlCommands } from './crl-commands.js';
import { addSupportCommands } from './support-commands.js';
import { AdminApiError, AdminClient, AdminTransportError, httpTransport, type AdminOperationId, type CallArgs } from '../admin-client/index.js';
import type { Op } from './operation.js';

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8444';
const REQUEST_TIMEOUT_MS = 30_000;

export const EXIT = { OK: 0, REFUSED: 1, USAGE: 2, TECHNICAL: 3 } as const;

class CliFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** The support staff member written to the audit log: --agent, or ESAV_AGENT. */
function agentOf(options: { agent?: string }, env: NodeJS.ProcessEnv): string {
  const agent = (options.agent ?? env.ESAV_AGENT ?? '').trim();
  if (!agent) throw new CliFailure(EXIT.USAGE, 'nom de l’agent du support requis pour le journal d’audit : --agent <nom> ou ESAV_AGENT');
  return agent;
}

function dataDir(env: NodeJS.ProcessEnv): string {
  return path.resolve(PROJECT_ROOT, env.ESAV_DATA_DIR ?? 'data');
}

function resolveToken(options: GlobalOptions, env: NodeJS.ProcessEnv): string {
  const token = options.token ?? (env.ESAV_ADMIN_TOKEN || undefined) ?? readAdminToken(dataDir(env));
  if (!token) {
    throw new CliFailure(
      EXIT.USAGE,
      `aucun jeton d’administration : passer --token, définir ESAV_ADMIN_TOKEN, ou démarrer la passerelle une fois (elle crée ${adminTokenPath(dataDir(env))})`,
    );
  }
  return token;
}

function baseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliFailure(EXIT.USAGE, `--url ${raw} : URL invalide (ex. ${DEFAULT_ADMIN_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliFailure(EXIT.USAGE, `--url ${raw} : http:// ou https:// attendu`);
  return url.toString().replace(/\/+$/, '');
}

/** The admin client of these global options (URL checked first, then the token found). */
function clientOf(options: GlobalOptions, env: NodeJS.ProcessEnv): AdminClient {
  const url = baseUrl(options.url);
  return new AdminClient(httpTransport(url, resolveToken(options, env), { timeoutMs: REQUEST_TIMEOUT_MS }));
}

/** An answer of the admin API, a refusal becoming a CliFailure carrying the API's message. */
async function answer<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AdminApiError) {
      if (error.status === 401) throw new CliFailure(EXIT.REFUSED, `refusé : jeton d’administration invalide (${error.message})`);
      throw new CliFailure(error.status >= 500 ? EXIT.TECHNICAL : EXIT.REFUSED, error.message);
    }
    if (error instanceof AdminTransportError) throw new CliFailure(EXIT.TECHNICAL, error.message);
    throw error;
  }
}

/** One operation of the admin API by its operationId (method and path from the generated table). */
function callOperation<T>(options: GlobalOptions, env: NodeJS.ProcessEnv, operationId: AdminOperationId, args?: CallArgs): Promise<T> {
  return answer(() => clientOf(options, env).call<T>(operationId, args));
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidArgumentError('un entier de 1 à 500 est attendu');
  return n;
}

/** `--etat A --etat B` or `--etat A,B`. */
function collectEtats(value: string, previous: Etat[] | undefined): Etat[] {
  const etats = [...(previous ?? [])];
  for (const part of value.split(',').map((v) => v.trim()).filter(Boolean)) {
    if (!isEtat(part)) throw new InvalidArgumentError(`état inconnu ${part} (parmi : ${ETATS.join(', ')})`);
    if (!etats.includes(part)) etats.push(part);
  }
  return etats;
}

export function buildProgram(env: NodeJS.ProcessEnv, out: (text: string) => void): Command {
  const program = new Command('esav-admin')
    .description('Back office e-SAV (SAV) : faire avancer les signalisations, les commenter, classer au tableau de bord.\nClient de l’API d’administration de la passerelle.')
    .option('--url <url>', 'URL de l’API d’administration (ou ESAV_ADMIN_URL)', env.ESAV_ADMIN_URL || DEFAULT_ADMIN_URL)
    .addOption(
      new Option('--token <jeton>', 'jeton d’administration (défaut : ESAV_ADMIN_TOKEN, sinon le fichier admin-token du dossier de données)'),
    )
    .option('--json', 'sortie JSON brute de l’API')
    .exitOverride()
    .showHelpAfterError('(--help pour l’aide)')
    .addHelpText(
      'after',
      `
Exemples :
  npm run admin -- signalisation voir SIG-0000000001
  npm run admin -- signalisation lister --operateur OPA1 --etat EN_COURS --etat GELE --limite 20
  npm run admin -- signalisation transition SIG-0000000001 EN_QUALIFICATION --motif "Recevable" --agent "M. Martin"
  npm run admin -- signalisation transition SIG-0000000001 GELE --attente ACCES_SITE --motif "Accès au local" --agent "M. Martin"
  npm run admin -- signalisation transition SIG-0000000001 CLOS --cause REPARATION_FIBRE --agent "M. Martin"
  npm run admin -- signalisation commenter SIG-0000000001 "Technicien sur site à 14h" --agent "M. Martin"
  npm run admin -- balayage
  npm run admin -- travaux publier --nature TRAVAUX_PROGRAMMES --libelle "Remplacement du PM" --equipement PM --pm PM-75056-0042 \
      --debut 2026-03-02T22:00 --fin 2026-03-03T06:00 --element PM:PM-75056-0042
  npm run admin -- travaux modifier TRV-0000000001 --debut 2026-03-09T22:00 --fin 2026-03-10T06:00
  npm run admin -- travaux cloturer TRV-0000000001
  npm run admin -- maintenance annoncer --debut 2026-12-01T22:00 --fin 2026-12-02T01:00 --motif "Montée de version"
  npm run admin -- limite definir --operateur OPA1 --rpm 600 --a-partir 2026-12-01T08:00 --motif "surcharge"
  npm run admin -- volumetrie --debut 2026-11-01T00:00 --fin 2026-12-01T00:00 --csv
  npm run admin -- prestations importer inventaire.csv --simulation --agent "M. Martin"
  npm run admin -- prestations resilier FI-1000-0001 --date 2026-12-31 --agent "M. Martin"
  npm run admin -- crl lister
  npm run admin -- exploitation etat --json
  npm run admin -- crl rafraichir --agent "M. Martin"
  npm run admin -- portail creer --operateur OPA1 --identifiant opa1.dupont --nom "Jeanne Dupont" --profil TOUT --agent "M. Martin"
  npm run admin -- profil creer SIGNALISATION_DEPOT --libelle "Dépôt et suivi" --operation deposerSignalisation,consulterEtatSignalisation --agent "M. Martin"
  npm run admin -- operateur suspendre OPA1 --motif "Impayés" --agent "M. Martin"
  npm run admin -- operateur resilier OPA1 --date 2027-03-01 --agent "M. Martin"

Codes de sortie : 0 fait · 1 refusé par l’API · 2 erreur d’utilisation · 3 erreur technique`,
    );

  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();
  const op: Op = (command, operationId, args) => callOperation(globals(command), env, operationId, args);
  const print = (command: Command, json: unknown, human: () => string) => {
    out(globals(command).json ? JSON.stringify(json, null, 2) : human());
  };

  const signalisation = program.command('signalisation').description('consulter et faire avancer une signalisation');

  signalisation
    .command('voir')
    .description('détail : état, prestation, historique des états, commentaires')
    .argument('<reference>', 'référence de la signalisation (SIG-…)')
    .action(async (reference: string, _options: unknown, command: Command) => {
      const detail = await op<DetailJson>(command, 'getSignalisation', { params: { reference } });
      print(command, detail, () => formatDetail(detail));
    });

  signalisation
    .command('lister')
    .description('les signalisations d’un opérateur, les plus récentes d’abord')
    .requiredOption('--operateur <code>', 'code opérateur (4 caractères, ex. OPA1)')
    .addOption(new Option('--etat <etat>', `filtre sur l’état, répétable (${ETATS.join(', ')})`).argParser(collectEtats))
    .addOption(new Option('--limite <n>', 'nombre maximum de lignes (1 à 500)').argParser(parseLimit).default(50))
    .action(async (options: { operateur: string; etat?: Etat[]; limite: number }, command: Command) => {
      const query = { operateur: options.operateur, limite: options.limite, etat: options.etat ?? [] };
      const result = await op<{ signalisations: SignalisationJson[] }>(command, 'listSignalisations', { query });
      print(command, result, () => formatList(result.signalisations));
    });

  signalisation
    .command('transition')
    .description('change l’état (acteur SAV) ; une transition non autorisée est refusée')
    .argument('<reference>', 'référence de la signalisation')
    .addArgument(new Argument('<etat>', 'nouvel état').choices(ETATS))
    .option('--motif <texte>', 'motif (obligatoire pour EN_REJET)')
    .option('--cause <code>', 'cause de clôture (obligatoire pour CLOS)')
    .addOption(new Option('--attente <attente>', 'ce qu’attend une signalisation GELE (défaut INFORMATION)').choices(ATTENTES))
    .option('--agent <nom>', 'nom de l’agent du support, écrit au journal d’audit (défaut : ESAV_AGENT)')
    .action(async (reference: string, etat: Etat, options: { motif?: string; cause?: string; attente?: string; agent?: string }, command: Command) => {
      const body = {
        agent: agentOf(options, env),
        etat,
        ...(options.motif !== undefined ? { motif: options.motif } : {}),
        ...(options.cause !== undefined ? { causeCloture: options.cause } : {}),
        ...(options.attente !== undefined ? { attente: options.attente } : {}),
      };
      const updated = await op<SignalisationJson>(command, 'transitionSignalisation', { params: { reference }, body });
      print(command, updated, () => formatTransition(updated));
    });

  signalisation
    .command('commenter')
    .description('ajoute un commentaire du SAV, restitué à l’opérateur dans le détail')
    .argument('<reference>', 'référence de la signalisation')
    .argument('<texte...>', 'texte du commentaire (1 à 2000 caractères)')
    .option('--agent <nom>', 'nom de l’agent du support, écrit au journal d’audit (défaut : ESAV_AGENT)')
    .action(async (reference: string, words: string[], options: { agent?: string }, command: Command) => {
      const texte = words.join(' ');
      const updated = await op<SignalisationJson>(command, 'commentSignalisation', { params: { reference }, body: { agent: agentOf(options, env), texte } });
      print(command, updated, () => `commentaire ajouté à ${updated.reference} (${updated.etat})`);
    });

  program
    .command('balayage')
    .description('classe maintenant en CLOS_TABLEAU_DE_BORD les signalisations CLOS/VALIDE dont le délai est écoulé')
    .action(async (_options: unknown, command: Command) => {
      const result = await op<{ deplacees: string[] }>(command, 'sweepDashboard');
      print(command, result, () => formatSweep(result.deplacees));
    });

  addTravauxCommands(program, op, print);
  addConformanceCommands(program, op, print);
  addOperatorCommands(program, op, print, env);
  addOperationsCommands(program, op, print, env);
  addNoticeCommands(program, op, print, env);
  addPortalCommands(program, op, print, env);
  addCapacityCommands(program, op, print, env);
  addPrestationCommands(program, {
    op,
    print,
    env,
    fail: (exitCode, message) => {
      throw new CliFailure(exitCode, message);
    },
  });
  // After addOperatorCommands: adds `operateur suspendre|reactiver|resilier` and the `profil` commands.
  addLifecycleCommands(program, op, print, env);
  addCrlCommands(program, op, print, env);
  addSupportCommands(program, op, print, env);
  addExploitationCommands(program, op, print);
  addPushCommands(program, op, print, env);

  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function runCli(
  argv: string[],
  io: { env?: NodeJS.ProcessEnv; out?: (text: string) => void; err?: (text: string) => void } = {},
): Promise<number> {
  const env = io.env ?? process.env;
  const out = io.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const err = io.err ?? ((text: string) => process.stderr.write(`${text}\n`));
  const program = buildProgram(env, out);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    // Commander has already written its message (or the help) itself.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (error instanceof CliFailure) {
      err(error.message);
      return error.exitCode;
    }
    err(`erreur inattendue : ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.TECHNICAL;
  }
}

// Run when executed (node dist/src/admin-cli/cli.js …), not when imported.
const withoutExtension = (file: string) => file.replace(/\.[cm]?[jt]s$/, '');
if (process.argv[1] && withoutExtension(path.resolve(process.argv[1])) === withoutExtension(fileURLToPath(import.meta.url))) {
  process.exitCode = await runCli(process.argv.slice(2));
}
