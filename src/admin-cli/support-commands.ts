// The commands of the support staff's accounts (`npm run admin -- support …`, issue 14, decision
// 0021): the accounts of the support console (/console on the portal's port). Clients of the admin
// API routes of src/adapters/admin-api/support-accounts-routes.ts. Every change names the agent:
// --agent, or ESAV_AGENT. A generated password is shown once.
import { Command } from 'commander';
import type { SupportUserJson } from '../adapters/admin-api/support-accounts-routes.js';
import type { AdminOperationId } from '../admin-client/index.js';
import { date, printable, table } from './format.js';
import type { Op, Print } from './operation.js';
import { agentOf, agentOption } from './agent.js';

export function supportUserState(u: SupportUserJson, now = new Date()): string {
  if (u.desactiveLe) return `désactivé le ${date(u.desactiveLe)}`;
  if (u.verrouilleJusqua && new Date(u.verrouilleJusqua).getTime() > now.getTime()) return `verrouillé jusqu’à ${date(u.verrouilleJusqua)}`;
  return 'actif';
}

export function formatSupportUsers(list: SupportUserJson[]): string {
  if (list.length === 0) return 'aucun compte du support';
  return table(
    ['IDENTIFIANT', 'TOTP', 'ÉTAT', 'NOM'],
    list.map((u) => [u.identifiant, u.totpEnrole ? 'enrôlé' : 'à la 1re connexion', supportUserState(u), u.nom]),
  );
}

const passwordBlock = (identifier: string, password: string) =>
  `mot de passe de ${identifier} (affiché une seule fois, à transmettre par un canal sûr) :\n  ${password}\nle second facteur (TOTP) est enrôlé à la première connexion à /console`;

export function addSupportCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {
  const support = program.command('support').description('comptes du personnel du support (console web /console, second facteur obligatoire)');
  const oneAction = (name: string, description: string, operationId: AdminOperationId, words: (result: { utilisateur: SupportUserJson; sessionsFermees?: number }) => string) =>
    support
      .command(name)
      .description(description)
      .argument('<identifiant>', 'identifiant du compte')
      .addOption(agentOption())
      .action(async (identifier: string, o: { agent?: string }, command: Command) => {
        const result = await op<{ utilisateur: SupportUserJson; sessionsFermees?: number }>(command, operationId, { params: { identifiant: identifier }, body: { agent: agentOf(o, env) } });
        print(command, result, () => words(result));
      });

  support
    .command('creer')
    .description('crée un compte du support ; son mot de passe, généré, est affiché une seule fois')
    .requiredOption('--identifiant <identifiant>', 'identifiant de connexion (3 à 64 caractères a-z, 0-9, . _ -)')
    .requiredOption('--nom <nom>', 'nom affiché')
    .addOption(agentOption())
    .action(async (o: { identifiant: string; nom: string; agent?: string }, command: Command) => {
      const created = await op<{ utilisateur: SupportUserJson; motDePasse: string }>(command, 'createSupportAccount', {
        body: { agent: agentOf(o, env), identifiant: o.identifiant, nom: o.nom },
      });
      print(command, created, () => `créé : ${created.utilisateur.identifiant}\n${passwordBlock(created.utilisateur.identifiant, created.motDePasse)}`);
    });

  support
    .command('lister')
    .description('les comptes du support et leur état')
    .action(async (_o: unknown, command: Command) => {
      const list = await op<{ utilisateurs: SupportUserJson[] }>(command, 'listSupportAccounts');
      print(command, list, () => formatSupportUsers(list.utilisateurs));
    });

  support
    .command('voir')
    .description('un compte du support et son état (second facteur, verrouillage, désactivation)')
    .argument('<identifiant>', 'identifiant du compte')
    .action(async (identifier: string, _o: unknown, command: Command) => {
      const user = await op<SupportUserJson>(command, 'getSupportAccount', { params: { identifiant: identifier } });
      print(command, user, () => formatSupportUsers([user]));
    });

  oneAction('desactiver', 'désactive un compte : plus de connexion, ses sessions sont fermées aussitôt', 'disableSupportAccount', (r) =>
    `${printable(r.utilisateur.identifiant)} : ${supportUserState(r.utilisateur)} ; sessions fermées : ${r.sessionsFermees ?? 0}`,
  );
  oneAction('activer', 'réactive un compte désactivé', 'enableSupportAccount', (r) => `${printable(r.utilisateur.identifiant)} : ${supportUserState(r.utilisateur)}`);
  oneAction('deverrouiller', 'lève le verrouillage après trop d’échecs de connexion', 'unlockSupportAccount', (r) => `${printable(r.utilisateur.identifiant)} : ${supportUserState(r.utilisateur)}`);
  oneAction('totp-reinitialiser', 'oublie le second facteur (téléphone perdu) : nouvel enrôlement à la prochaine connexion', 'resetSupportAccountTotp', (r) =>
    `${printable(r.utilisateur.identifiant)} : second facteur à enrôler à la prochaine connexion ; sessions fermées : ${r.sessionsFermees ?? 0}`,
  );

  support
    .command('reinitialiser')
    .description('nouveau mot de passe généré (affiché une seule fois) ; verrouillage levé, sessions fermées')
    .argument('<identifiant>', 'identifiant du compte')
    .addOption(agentOption())
    .action(async (identifier: string, o: { agent?: string }, command: Command) => {
      const result = await op<{ utilisateur: SupportUserJson; motDePasse: string; sessionsFermees: number }>(command, 'resetSupportAccountPassword', { params: { identifiant: identifier }, body: { agent: agentOf(o, env) } });
      print(command, result, () => `${passwordBlock(result.utilisateur.identifiant, result.motDePasse)}\nsessions fermées : ${result.sessionsFermees}`);
    });
}
