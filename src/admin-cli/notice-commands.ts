// The back-office commands of the notices to the operators (`npm run admin -- avis …`, decision
// 0022): list, publish (dated notices checked against the contract's notice periods; --forcer,
// audited), withdraw. Clients of the admin API routes of src/adapters/admin-api/notices-routes.ts.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Op, Print } from './operation.js';
import type { NoticeJson } from '../adapters/admin-api/notices-routes.js';
import { NOTICE_KINDS, NOTICE_KIND_LABELS, WEB_SERVICE_CHANGES, type NoticeKind } from '../domain/notices.js';
import { agentOf, agentOption } from './agent.js';
import { date, table } from './format.js';
import { parseDate } from './travaux-commands.js';

function parseOperators(value: string): string[] {
  const codes = value.split(',').map((c) => c.trim()).filter(Boolean);
  if (codes.length === 0 || codes.some((c) => !/^[A-Z0-9]{4}$/.test(c))) throw new InvalidArgumentError('codes opérateurs de 4 caractères séparés par des virgules attendus (ex. OPA1,OPB2)');
  return codes;
}

export function formatNotices(list: NoticeJson[], mailing: boolean): string {
  const head = mailing ? 'envoi par e-mail : oui' : 'envoi par e-mail : non (ESAV_SMTP_URL non configuré)';
  if (list.length === 0) return `${head}\naucun avis`;
  return `${head}\n${table(
    ['RÉFÉRENCE', 'PUBLIÉ LE', 'TYPE', 'OPÉRATEURS', 'DÉBUT', 'TITRE', 'ÉTAT'],
    list.map((n) => [
      n.reference,
      date(n.datePublication),
      NOTICE_KIND_LABELS[n.type as NoticeKind] ?? n.type,
      n.operateurs ? n.operateurs.join(',') : 'tous',
      date(n.debut),
      n.titre,
      n.dateRetrait ? `retiré le ${date(n.dateRetrait)}` : n.preavisForce ? `publié (préavis ${n.preavisForce} forcé)` : 'publié',
    ]),
  )}`;
}

export function addNoticeCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {
  const avis = program.command('avis').description('avis aux opérateurs (Espace Opérateurs du portail, e-mail, SignalisationService v2)');

  avis
    .command('lister')
    .description('les avis publiés, les plus récents d’abord')
    .option('--operateur <code>', 'ceux qui concernent cet opérateur')
    .option('--retires', 'avec les avis retirés')
    .addOption(new Option('--limite <n>', 'nombre maximum (1 à 500)').default('50'))
    .action(async (o: { operateur?: string; retires?: boolean; limite: string }, command: Command) => {
      const result = await op<{ envoiEmail: boolean; avis: NoticeJson[] }>(command, 'listNotices', {
        query: { limite: Number(o.limite), ...(o.operateur ? { operateur: o.operateur } : {}), ...(o.retires ? { retires: true } : {}) },
      });
      print(command, result, () => formatNotices(result.avis, result.envoiEmail));
    });

  avis
    .command('publier')
    .description('publie un avis (à tous les opérateurs, ou à ceux listés) ; un avis daté soumis à préavis est refusé trop tard, sauf --forcer (audité)')
    .addOption(new Option('--type <type>', 'type de l’avis').choices([...NOTICE_KINDS]).default('AUTRE'))
    .requiredOption('--titre <texte>', 'titre (1 à 200 caractères)')
    .requiredOption('--texte <texte>', 'texte (1 à 5000 caractères)')
    .option('--operateurs <codes>', 'codes des opérateurs concernés, séparés par des virgules (défaut : tous)', parseOperators)
    .option('--debut <date>', 'début de ce qui est annoncé (ex. 2026-03-02T22:00, heure de Paris) ; pour un certificat : son expiration', parseDate)
    .option('--fin <date>', 'fin de ce qui est annoncé', parseDate)
    .addOption(new Option('--changement <nature>', 'nature d’un changement de web-service (préavis : ACCES 15 jours, MINEURE 2 mois, MAJEURE 6 mois)').choices([...WEB_SERVICE_CHANGES]))
    .option('--forcer', 'force le préavis du contrat (audité)')
    .addOption(agentOption())
    .action(
      async (
        o: { type: string; titre: string; texte: string; operateurs?: string[]; debut?: string; fin?: string; changement?: string; forcer?: boolean; agent?: string },
        command: Command,
      ) => {
        const agent = agentOf(o, env);
        const created = await op<NoticeJson>(command, 'createNotice', {
          body: {
            agent,
            type: o.type,
            titre: o.titre,
            texte: o.texte,
            ...(o.operateurs ? { operateurs: o.operateurs } : {}),
            ...(o.debut ? { debut: o.debut } : {}),
            ...(o.fin ? { fin: o.fin } : {}),
            ...(o.changement ? { changement: o.changement } : {}),
            ...(o.forcer ? { force: true } : {}),
          },
        });
        print(command, created, () => `publié : ${created.reference} (${created.operateurs ? created.operateurs.join(', ') : 'tous les opérateurs'})${created.preavisForce ? ` — préavis ${created.preavisForce} forcé` : ''}`);
      },
    );

  avis
    .command('retirer')
    .description('retire un avis (plus montré aux opérateurs)')
    .argument('<reference>', 'référence de l’avis (AV-…)')
    .addOption(agentOption())
    .action(async (reference: string, o: { agent?: string }, command: Command) => {
      const withdrawn = await op<NoticeJson>(command, 'withdrawNotice', { params: { reference }, body: { agent: agentOf(o, env) } });
      print(command, withdrawn, () => `${withdrawn.reference} retiré le ${date(withdrawn.dateRetrait)}`);
    });
}
