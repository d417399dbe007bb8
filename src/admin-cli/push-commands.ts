// The support commands of the push notifications (issue 15, decision 0023):
//   npm run admin -- notifications lister|abonner|suspendre|reprendre|evenements|rejouer
// Clients of the admin API routes of src/adapters/admin-api/push-routes.ts. The CA file of a
// subscription is read here and sent in the request. Every change names the support staff
// member: --agent, or ESAV_AGENT.
import fs from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { PushEventJson, PushSubscriptionJson } from '../adapters/admin-api/push-routes.js';
import { date, printable, table } from './format.js';
import type { Op, Print } from './operation.js';
import { agentOf, agentOption } from './agent.js';

const text = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);

export function formatSubscriptions(list: PushSubscriptionJson[]): string {
  if (list.length === 0) return 'aucun abonnement aux notifications';
  return table(
    ['OPÉRATEUR', 'URL', 'AUTORITÉ', 'ÉTAT', 'MODIFIÉ LE'],
    list.map((s) => [s.codeOperateur, s.url, s.autoriteDediee ? 'dédiée' : 'magasin configuré', s.etat === 'SUSPENDU' ? `SUSPENDU par ${text(s.suspenduPar)}` : 'ACTIF', date(s.modifieLe)]),
  );
}

export function formatSubscription(s: PushSubscriptionJson): string {
  return [
    `Notifications de ${s.codeOperateur}`,
    `  url      : ${printable(s.url)}`,
    `  autorité : ${s.autoriteDediee ? 'dédiée à l’abonnement' : 'magasin configuré'}`,
    `  état     : ${s.etat === 'SUSPENDU' ? `SUSPENDU par ${printable(text(s.suspenduPar))}` : 'ACTIF'}`,
  ].join('\n');
}

export function formatEvents(list: PushEventJson[]): string {
  if (list.length === 0) return 'aucun évènement';
  return table(
    ['SIGNALISATION', 'N°', 'TYPE', 'ÉTAT', 'HORODATAGE', 'LIVRAISON', 'TENTATIVES', 'PROCHAIN ESSAI', 'DERNIÈRE ERREUR', 'ID'],
    list.map((e) => [
      e.referenceSignalisation,
      String(e.numeroSequence),
      e.typeEvenement,
      e.etat,
      date(e.horodatage),
      e.statut,
      String(e.tentatives),
      e.prochaineTentative ? date(e.prochaineTentative) : '—',
      printable(text(e.derniereErreur)),
      e.idEvenement,
    ]),
  );
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('un entier de 1 à 1000 est attendu');
  return n;
}

export function addPushCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {
  const notifications = program
    .command('notifications')
    .description('notifications poussées aux opérateurs (URL de rappel, suspension, livraisons et échecs, rejeu)');

  notifications
    .command('lister')
    .description('les abonnements des opérateurs')
    .action(async (_o: unknown, command: Command) => {
      const result = await op<{ abonnements: PushSubscriptionJson[] }>(command, 'listPushSubscriptions');
      print(command, result, () => formatSubscriptions(result.abonnements));
    });

  notifications
    .command('abonner')
    .description('enregistre ou change l’URL de rappel (https) d’un opérateur')
    .argument('<operateur>', 'code opérateur')
    .requiredOption('--rappel <url>', 'URL https du service de rappel de l’opérateur (--url est l’adresse de l’API d’administration)')
    .option('--autorite <fichier.pem>', 'autorité (PEM) qui vérifie le certificat du serveur de rappel (défaut : le magasin configuré)')
    .addOption(agentOption())
    .action(async (code: string, o: { rappel: string; autorite?: string; agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      let autorite: string | null = null;
      if (o.autorite !== undefined) {
        try {
          autorite = fs.readFileSync(o.autorite, 'utf8');
        } catch (error) {
          const message = `--autorite ${o.autorite} : fichier illisible (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
          process.stderr.write(`${message}\n`);
          throw new CommanderError(2, 'esav.usage', message);
        }
      }
      const saved = await op<PushSubscriptionJson>(command, 'putPushSubscription', { params: { code }, body: { agent, url: o.rappel, autorite } });
      print(command, saved, () => `abonnement enregistré\n${formatSubscription(saved)}`);
    });

  for (const [name, operationId, verb, description] of [
    ['suspendre', 'pausePushSubscription', 'suspendu', 'suspend les notifications : les évènements s’accumulent'],
    ['reprendre', 'resumePushSubscription', 'repris', 'reprend les notifications : les évènements en attente partent, dans l’ordre'],
  ] as const) {
    notifications
      .command(name)
      .description(description)
      .argument('<operateur>', 'code opérateur')
      .addOption(agentOption())
      .action(async (code: string, o: { agent?: string }, command: Command) => {
        const changed = await op<PushSubscriptionJson>(command, operationId, { params: { code }, body: { agent: agentOf(o, env) } });
        print(command, changed, () => `abonnement ${verb}\n${formatSubscription(changed)}`);
      });
  }

  notifications
    .command('evenements')
    .description('les évènements poussés à un opérateur : livraison, tentatives, dernière erreur, prochain essai')
    .argument('<operateur>', 'code opérateur')
    .addOption(new Option('--statut <statut>', 'seulement ceux-ci').choices(['PENDING', 'DELIVERED', 'FAILED']))
    .option('--reference <référence>', 'seulement ceux de cette signalisation')
    .option('--limite <n>', 'nombre au plus (défaut 100)', parseLimit)
    .action(async (code: string, o: { statut?: string; reference?: string; limite?: number }, command: Command) => {
      const query = { ...(o.statut ? { statut: o.statut } : {}), ...(o.reference ? { reference: o.reference } : {}), ...(o.limite ? { limite: o.limite } : {}) };
      const result = await op<{ abonnement: PushSubscriptionJson; evenements: PushEventJson[] }>(command, 'listPushEvents', { params: { code }, query });
      print(command, result, () => `${formatSubscription(result.abonnement)}\n${formatEvents(result.evenements)}`);
    });

  notifications
    .command('rejouer')
    .description('rejoue les évènements en échec d’un opérateur (tous, ou --evenement <id>) : nouvelle fenêtre de 24 h')
    .argument('<operateur>', 'code opérateur')
    .option('--evenement <id>', 'seulement cet évènement (UUID)')
    .addOption(agentOption())
    .action(async (code: string, o: { evenement?: string; agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      const result = await op<{ rejoues: number }>(command, 'replayPushEvents', { params: { code }, body: { agent, ...(o.evenement ? { idEvenement: o.evenement } : {}) } });
      print(command, result, () => `${result.rejoues} évènement(s) rejoué(s)`);
    });
}
