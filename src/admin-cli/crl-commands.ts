// The support commands of the CRLs of recognised CAs (`npm run admin -- crl …`, decision 0019):
// list the CRL sources with their state, and fetch them now. Clients of the admin API routes of
// src/adapters/admin-api/crl-routes.ts. "rafraichir" names the support staff member: --agent, or
// ESAV_AGENT (audit log).
import { Command, Option } from 'commander';
import type { CrlOverviewJson, CrlRefreshJson, CrlSourceJson } from '../adapters/admin-api/crl-routes.js';
import { date, printable, table } from './format.js';
import type { Op, Print } from './operation.js';
import { agentOf } from './agent.js';

const refusedCount = (s: CrlSourceJson) => s.certificats.filter((c) => c.etat === 'REVOQUE' || c.etat === 'LCR_INDISPONIBLE_REFUSE').length;

export function formatCrlSources(overview: CrlOverviewJson): string {
  const head = `politique si LCR indisponible : ${overview.politique} · rafraîchissement toutes les ${overview.rafraichissementSecondes} s`;
  if (overview.sources.length === 0) return `${head}\naucune source de LCR (aucun certificat d’AC reconnue n’a de point de distribution)`;
  const rows = overview.sources.map((s) => [
    s.etat,
    date(s.dernierSucces),
    date(s.prochaineMiseAJour),
    date(s.prochaineTentative),
    String(s.seriesRevoquees),
    `${s.certificats.length}/${refusedCount(s)}`,
    printable(s.url),
  ]);
  const errors = overview.sources.filter((s) => s.derniereErreur && s.etat !== 'A_JOUR').map((s) => `  ${printable(s.url)} : ${printable(s.derniereErreur ?? '')} (${date(s.derniereErreurLe)})`);
  return [head, table(['ÉTAT', 'DERNIER SUCCÈS', 'PROCHAINE MAJ', 'PROCHAINE TENTATIVE', 'RÉVOQUÉS', 'CERTIFICATS/REFUSÉS', 'URL'], rows), ...(errors.length ? ['erreurs :', ...errors] : [])].join('\n');
}

export function addCrlCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {
  const crl = program.command('crl').description('listes de révocation (LCR) des AC reconnues : sources, état, rafraîchissement');

  crl
    .command('lister')
    .description('les sources de LCR : état (A_JOUR, ECHEC, PERIMEE, INDISPONIBLE), dernier succès, dernière erreur, prochaine tentative')
    .action(async (_options: unknown, command: Command) => {
      const overview = await op<CrlOverviewJson>(command, 'listCrlSources');
      print(command, overview, () => formatCrlSources(overview));
    });

  crl
    .command('rafraichir')
    .description('télécharge et vérifie maintenant chaque LCR et l’applique (les autres processus à leur prochain rafraîchissement de confiance)')
    .addOption(new Option('--agent <nom>', 'nom de l’agent du support, écrit au journal d’audit (défaut : ESAV_AGENT)'))
    .action(async (options: { agent?: string }, command: Command) => {
      const result = await op<CrlRefreshJson>(command, 'refreshCrlSources', { body: { agent: agentOf(options, env) } });
      print(command, result, () => {
        const lines = result.resultats.map((r) => (r.ok ? `  ok      ${printable(r.url)} (${r.seriesRevoquees ?? 0} numéro(s) révoqué(s))` : `  ÉCHEC   ${printable(r.url)} : ${printable(r.erreur ?? '')}`));
        return [`LCR rafraîchies : ${result.resultats.filter((r) => r.ok).length}/${result.resultats.length} obtenue(s), connexions fermées : ${result.connexionsFermees}`, ...lines, '', formatCrlSources(result)].join('\n');
      });
    });
}
