// The support commands of the web portal's accounts (`npm run admin -- portail …`, issue 13):
// create a user (its generated password shown once), list an operator's users, reset a password,
// disable/enable, unlock, and an operator's "second factor required". Clients of the admin API
// routes of src/adapters/admin-api/portal-accounts-routes.ts. Every change names the support staff
// member: --agent, or ESAV_AGENT.
import type { Op, Print } from './operation.js';
import { Command, CommanderError, Option } from 'commander';
import type { PortalUserJson } from '../adapters/admin-api/portal-accounts-routes.js';
import { date, printable, table } from './format.js';
import { agentOf, agentOption } from './agent.js';


/** What a user's state is, in words. */
export function portalUserState(u: PortalUserJson, now = new Date()): string {
  if (u.desactiveLe) return `désactivé le ${date(u.desactiveLe)}`;
  if (u.verrouilleJusqua && new Date(u.verrouilleJusqua).getTime() > now.getTime()) return `verrouillé jusqu’à ${date(u.verrouilleJusqua)}`;
  return 'actif';
}

export function formatPortalUsers(list: PortalUserJson[]): string {
  if (list.length === 0) return 'aucun utilisateur du portail';
  return table(
    ['IDENTIFIANT', 'PROFIL', 'TOTP', 'ÉTAT', 'NOM'],
    list.map((u) => [u.identifiant, u.profil, u.totpEnrole ? 'oui' : 'non', portalUserState(u), u.nom]),
  );
}

const passwordBlock = (identifier: string, password: string) =>
  `mot de passe de ${identifier} (affiché une seule fois, à transmettre par un canal sûr) :\n  ${password}`;

export function addPortalCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {
  const portail = program.command('portail').description('comptes du portail web e-SAV en ligne : créer, lister, réinitialiser, désactiver, déverrouiller');

  portail
    .command('creer')
    .description('crée un utilisateur du portail ; son mot de passe, généré, est affiché une seule fois')
    .requiredOption('--operateur <code>', 'code opérateur (4 caractères, ex. OPA1)')
    .requiredOption('--identifiant <identifiant>', 'identifiant de connexion (3 à 64 caractères a-z, 0-9, . _ -)')
    .requiredOption('--nom <nom>', 'nom affiché')
    .requiredOption('--profil <profil>', 'profil (ex. TOUT, SIGNALISATION_LECTURE) : les opérations permises')
    .addOption(agentOption())
    .action(async (o: { operateur: string; identifiant: string; nom: string; profil: string; agent?: string }, command: Command) => {
      const body = { agent: agentOf(o, env), operateur: o.operateur, identifiant: o.identifiant, nom: o.nom, profil: o.profil };
      const created = await op<{ utilisateur: PortalUserJson; motDePasse: string }>(command, 'createPortalUser', { body });
      print(command, created, () => `créé : ${created.utilisateur.identifiant} (${created.utilisateur.operateur}, profil ${created.utilisateur.profil})\n${passwordBlock(created.utilisateur.identifiant, created.motDePasse)}`);
    });

  portail
    .command('lister')
    .description('les utilisateurs du portail d’un opérateur et leur état')
    .requiredOption('--operateur <code>', 'code opérateur')
    .action(async (o: { operateur: string }, command: Command) => {
      const list = await op<{ utilisateurs: PortalUserJson[] }>(command, 'listPortalUsers', { query: { operateur: o.operateur } });
      print(command, list, () => formatPortalUsers(list.utilisateurs));
    });

  portail
    .command('voir')
    .description('un utilisateur du portail et son état (profil, second facteur, verrouillage, désactivation)')
    .argument('<identifiant>', 'identifiant de l’utilisateur')
    .action(async (identifier: string, _o: unknown, command: Command) => {
      const user = await op<PortalUserJson>(command, 'getPortalUser', { params: { identifiant: identifier } });
      print(command, user, () => formatPortalUsers([user]));
    });

  portail
    .command('reinitialiser')
    .description('nouveau mot de passe généré (affiché une seule fois) ; verrouillage levé, sessions fermées')
    .argument('<identifiant>', 'identifiant de l’utilisateur')
    .addOption(agentOption())
    .action(async (identifier: string, o: { agent?: string }, command: Command) => {
      const result = await op<{ utilisateur: PortalUserJson; motDePasse: string; sessionsFermees: number }>(command, 'resetPortalUserPassword', { params: { identifiant: identifier }, body: { agent: agentOf(o, env) } });
      print(command, result, () => `${passwordBlock(result.utilisateur.identifiant, result.motDePasse)}\nsessions fermées : ${result.sessionsFermees}`);
    });

  portail
    .command('desactiver')
    .description('désactive un utilisateur : plus de connexion, ses sessions sont fermées aussitôt')
    .argument('<identifiant>', 'identifiant de l’utilisateur')
    .addOption(agentOption())
    .action(async (identifier: string, o: { agent?: string }, command: Command) => {
      const result = await op<{ utilisateur: PortalUserJson; sessionsFermees: number }>(command, 'disablePortalUser', { params: { identifiant: identifier }, body: { agent: agentOf(o, env) } });
      print(command, result, () => `${printable(result.utilisateur.identifiant)} : ${portalUserState(result.utilisateur)} ; sessions fermées : ${result.sessionsFermees}`);
    });

  portail
    .command('activer')
    .description('réactive un utilisateur désactivé')
    .argument('<identifiant>', 'identifiant de l’utilisateur')
    .addOption(agentOption())
    .action(async (identifier: string, o: { agent?: string }, command: Command) => {
      const result = await op<{ utilisateur: PortalUserJson }>(command, 'enablePortalUser', { params: { identifiant: identifier }, body: { agent: agentOf(o, env) } });
      print(command, result, () => `${printable(result.utilisateur.identifiant)} : ${portalUserState(result.utilisateur)}`);
    });

  portail
    .command('deverrouiller')
    .description('lève le verrouillage d’un utilisateur après trop d’échecs de connexion')
    .argument('<identifiant>', 'identifiant de l’utilisateur')
    .addOption(agentOption())
    .action(async (identifier: string, o: { agent?: string }, command: Command) => {
      const result = await op<{ utilisateur: PortalUserJson }>(command, 'unlockPortalUser', { params: { identifiant: identifier }, body: { agent: agentOf(o, env) } });
      print(command, result, () => `${printable(result.utilisateur.identifiant)} : ${portalUserState(result.utilisateur)}`);
    });

  portail
    .command('totp')
    .description('second facteur (TOTP) obligatoire ou non pour tous les utilisateurs du portail d’un opérateur (enrôlement à leur prochaine connexion)')
    .argument('<operateur>', 'code opérateur')
    .addOption(new Option('--obligatoire', 'exiger le second facteur').conflicts('facultatif'))
    .addOption(new Option('--facultatif', 'ne plus l’exiger (les utilisateurs enrôlés le gardent)'))
    .addOption(agentOption())
    .action(async (code: string, o: { obligatoire?: boolean; facultatif?: boolean; agent?: string }, command: Command) => {
      if (!o.obligatoire && !o.facultatif) {
        const message = '--obligatoire ou --facultatif attendu';
        process.stderr.write(`${message}\n`);
        throw new CommanderError(2, 'esav.usage', message);
      }
      const result = await op<{ operateur: string; totpObligatoire: boolean }>(command, 'setPortalTotpRequirement', {
        params: { code },
        body: { agent: agentOf(o, env), obligatoire: Boolean(o.obligatoire) },
      });
      print(command, result, () => `${result.operateur} : second facteur ${result.totpObligatoire ? 'obligatoire' : 'facultatif'} pour le portail`);
    });
}
