// The support commands of profiles and of the operators' life cycle (issue 14):
//   npm run admin -- profil lister|voir|operations|creer|modifier|retirer
//   npm run admin -- operateur suspendre|reactiver|resilier
// Clients of the admin API routes of src/adapters/admin-api/profiles-routes.ts and
// operator-lifecycle-routes.ts. Every change names the support staff member: --agent, or
// ESAV_AGENT. Registered by cli.ts after addOperatorCommands (the `operateur` command is shared).
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { ProfileJson } from '../adapters/admin-api/profiles-routes.js';
import type { LifecycleJson } from '../adapters/admin-api/operator-lifecycle-routes.js';
import { date, printable, table } from './format.js';
import { operatorStateText } from './operator-commands.js';
import type { Op, Print } from './operation.js';
import { agentOf, agentOption } from './agent.js';

/** `--operation A --operation B` or `--operation A,B`. */
function collectOperations(value: string, previous: string[] | undefined): string[] {
  const all = [...(previous ?? [])];
  for (const part of value.split(',').map((v) => v.trim()).filter(Boolean)) if (!all.includes(part)) all.push(part);
  return all;
}

function parseDay(value: string): string {
  if (!/^\d{4}-\d\d-\d\d$/.test(value)) throw new InvalidArgumentError('jour attendu au format AAAA-MM-JJ, ex. 2027-03-01');
  return value;
}

const usedBy = (p: ProfileJson) => `${p.certificatsUtilisant} certificat(s), ${p.utilisateursPortailUtilisant} utilisateur(s) du portail`;

export function formatProfiles(list: ProfileJson[]): string {
  if (list.length === 0) return 'aucun profil';
  return table(
    ['PROFIL', 'LIBELLÉ', 'OPÉRATIONS', 'ÉTAT', 'UTILISÉ PAR'],
    list.map((p) => [p.nom, p.libelle, p.operations.join(', '), p.etat, usedBy(p)]),
  );
}

export function formatProfile(p: ProfileJson): string {
  const rows: Array<[string, string]> = [
    ['libellé', p.libelle],
    ['opérations', p.operations.join(', ')],
    ['état', p.etat === 'RETIRE' ? `RETIRE le ${date(p.retireLe)} par ${p.retirePar ?? '—'}` : 'EN_SERVICE'],
    ['créé le', p.creeLe ? `${date(p.creeLe)} par ${p.creePar ?? '—'}` : '— (données initiales)'],
    ['utilisé par', usedBy(p)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`Profil ${p.nom}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)} : ${printable(value)}`)].join('\n');
}

function formatOutcome(verb: string, r: LifecycleJson): string {
  return [
    `${r.operateur.code} ${verb} : ${operatorStateText(r.operateur)}`,
    `connexions mTLS fermées : ${r.connexionsFermees} · sessions du portail fermées : ${r.sessionsFermees}`,
  ].join('\n');
}

export function addLifecycleCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {

  // ------------------------------------------------------------ profil
  const profil = program.command('profil').description('profils : les opérations que chacun accorde ; créer, modifier, retirer');

  profil
    .command('lister')
    .description('les profils, leurs opérations, leur état et ce qui les utilise')
    .action(async (_o: unknown, command: Command) => {
      const result = await op<{ profils: ProfileJson[] }>(command, 'listProfiles');
      print(command, result, () => formatProfiles(result.profils));
    });

  profil
    .command('voir')
    .description('un profil')
    .argument('<nom>', 'nom du profil')
    .action(async (name: string, _o: unknown, command: Command) => {
      const found = await op<ProfileJson>(command, 'getProfile', { params: { nom: name } });
      print(command, found, () => formatProfile(found));
    });

  profil
    .command('operations')
    .description('les noms d’opérations SOAP qu’un profil peut accorder (* : toutes)')
    .action(async (_o: unknown, command: Command) => {
      const result = await op<{ operations: string[] }>(command, 'listGrantableOperations');
      print(command, result, () => result.operations.join('\n'));
    });

  profil
    .command('creer')
    .description('crée un profil ; chaque opération doit être connue de la passerelle (ou * pour toutes)')
    .argument('<nom>', 'nom du profil (A-Z, 0-9, _ ; ex. SIGNALISATION_DEPOT)')
    .requiredOption('--libelle <libellé>', 'libellé du profil')
    .requiredOption('--operation <nom>', 'opération accordée, répétable ou séparées par des virgules (* : toutes)', collectOperations)
    .addOption(agentOption())
    .action(async (name: string, o: { libelle: string; operation: string[]; agent?: string }, command: Command) => {
      const created = await op<ProfileJson>(command, 'createProfile', { body: { agent: agentOf(o, env), nom: name, libelle: o.libelle, operations: o.operation } });
      print(command, created, () => `profil ${created.nom} créé\n${formatProfile(created)}`);
    });

  profil
    .command('modifier')
    .description('change les opérations accordées (la liste complète) et/ou le libellé ; effectif pour les connexions et sessions ouvertes')
    .argument('<nom>', 'nom du profil')
    .option('--operation <nom>', 'opération accordée, répétable ou séparées par des virgules (remplace la liste ; * : toutes)', collectOperations)
    .option('--libelle <libellé>', 'nouveau libellé')
    .addOption(agentOption())
    .action(async (name: string, o: { libelle?: string; operation?: string[]; agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      if (o.operation === undefined && o.libelle === undefined) {
        const message = 'donner --operation <nom> (répétable) et/ou --libelle <libellé>';
        process.stderr.write(`${message}\n`);
        throw new CommanderError(2, 'esav.usage', message);
      }
      const body = { agent, ...(o.operation !== undefined ? { operations: o.operation } : {}), ...(o.libelle !== undefined ? { libelle: o.libelle } : {}) };
      const changed = await op<ProfileJson>(command, 'updateProfile', { params: { nom: name }, body });
      print(command, changed, () => `profil ${changed.nom} modifié\n${formatProfile(changed)}`);
    });

  profil
    .command('retirer')
    .description('retire un profil : refusé tant qu’un certificat non révoqué ou un utilisateur du portail actif l’utilise')
    .argument('<nom>', 'nom du profil')
    .addOption(agentOption())
    .action(async (name: string, o: { agent?: string }, command: Command) => {
      const retired = await op<ProfileJson>(command, 'retireProfile', { params: { nom: name }, body: { agent: agentOf(o, env) } });
      print(command, retired, () => `profil ${retired.nom} retiré le ${date(retired.retireLe)} : il ne peut plus être attribué`);
    });

  // ------------------------------------------------------------ operateur (life cycle)
  const operateur = program.commands.find((c) => c.name() === 'operateur') ?? program.command('operateur').description('opérateurs');

  operateur
    .command('suspendre')
    .description('suspend l’opérateur : ses certificats et ses utilisateurs du portail cessent de fonctionner aussitôt ; ses données restent consultables')
    .argument('<code>', 'code opérateur')
    .requiredOption('--motif <texte>', 'motif de la suspension (écrit au journal d’audit)')
    .addOption(agentOption())
    .action(async (code: string, o: { motif: string; agent?: string }, command: Command) => {
      const result = await op<LifecycleJson>(command, 'suspendOperator', { params: { code }, body: { agent: agentOf(o, env), motif: o.motif } });
      print(command, result, () => formatOutcome('suspendu', result));
    });

  operateur
    .command('reactiver')
    .description('réactive un opérateur suspendu (jamais un opérateur résilié)')
    .argument('<code>', 'code opérateur')
    .option('--motif <texte>', 'motif de la réactivation')
    .addOption(agentOption())
    .action(async (code: string, o: { motif?: string; agent?: string }, command: Command) => {
      const result = await op<LifecycleJson>(command, 'reactivateOperator', { params: { code }, body: { agent: agentOf(o, env), ...(o.motif !== undefined ? { motif: o.motif } : {}) } });
      print(command, result, () => formatOutcome('réactivé', result));
    });

  operateur
    .command('resilier')
    .description('enregistre la résiliation à une date : au plus tôt deux mois après sa notification (préavis du contrat)')
    .argument('<code>', 'code opérateur')
    .requiredOption('--date <AAAA-MM-JJ>', 'jour de résiliation (effective à 00:00, heure de Paris)', parseDay)
    .option('--notifiee-le <AAAA-MM-JJ>', 'jour de la notification de la résiliation (défaut : aujourd’hui)', parseDay)
    .option('--motif <texte>', 'motif de la résiliation')
    .addOption(agentOption())
    .action(async (code: string, o: { date: string; notifieeLe?: string; motif?: string; agent?: string }, command: Command) => {
      const body = { agent: agentOf(o, env), date: o.date, ...(o.notifieeLe !== undefined ? { notifieeLe: o.notifieeLe } : {}), ...(o.motif !== undefined ? { motif: o.motif } : {}) };
      const result = await op<LifecycleJson>(command, 'terminateOperator', { params: { code }, body });
      print(command, result, () => formatOutcome('résiliation enregistrée', result));
    });
}
