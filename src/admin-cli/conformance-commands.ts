// The back-office commands of conformance runs (`npm run admin -- conformite …`): an operator's
// recorded runs and the domains they validate for promotion, one run with the gateway's
// evidence, and its kept report written to a file. Clients of /admin/conformite
// (src/adapters/admin-api/conformance-routes.ts). The runs are recorded by the conformance kit.
import fs from 'node:fs';
import type { Op, Print } from './operation.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ConformanceRunDetailJson, ConformanceRunJson, OperatorConformanceJson } from '../adapters/admin-api/conformance-routes.js';
import { date, table } from './format.js';


function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidArgumentError('un entier de 1 à 500 est attendu');
  return n;
}

function parseId(value: string): string {
  if (!/^[1-9][0-9]{0,17}$/.test(value)) throw new InvalidArgumentError('numéro d’exécution attendu (entier positif)');
  return value;
}

const list = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : 'aucun');

export function formatConformanceRuns(view: OperatorConformanceJson): string {
  const head = `${view.operateur} — domaines validés pour la promotion : ${list(view.domainesValides)}`;
  if (view.executions.length === 0) return `${head}\naucune exécution du jeu de test enregistrée`;
  return [
    head,
    table(
      ['N°', 'TERMINÉE', 'RÉUSSIE', 'DOMAINES', 'VALIDÉS'],
      view.executions.map((e: ConformanceRunJson) => [String(e.idExecution), date(e.fin), e.reussie ? 'oui' : 'non', list(e.domaines), list(e.domainesValides)]),
    ),
  ].join('\n');
}

export function formatConformanceRun(run: ConformanceRunDetailJson): string {
  const lines = [
    `Exécution n° ${run.idExecution} — ${run.operateur} (${run.plateforme})${run.idCampagne !== null ? `, campagne ${run.idCampagne}` : ''}`,
    `  Du ${date(run.debut)} au ${date(run.fin)}`,
    `  Réussie        : ${run.reussie ? 'oui' : 'non'}`,
    `  Domaines       : ${list(run.domaines)}`,
    `  Validés        : ${list(run.domainesValides)}`,
    `  Certificat     : ${run.empreinteCertificat ?? '—'}`,
    `  Rapports       : ${[run.rapports.html ? 'html' : '', run.rapports.junit ? 'junit' : ''].filter(Boolean).join(', ') || 'aucun'}`,
  ];
  if (run.preuves) {
    lines.push('', 'Vérification par la passerelle');
    for (const v of run.preuves.verdicts) lines.push(`  ${v.domaine.padEnd(14)} ${v.valide ? 'validé' : `non validé — ${v.raison ?? ''}`}`);
    lines.push('', 'Appels servis pendant la campagne');
    lines.push(
      table(
        ['SERVICE', 'OPÉRATION', 'RÉSULTAT', 'NOMBRE'],
        run.preuves.servis.map((s) => [s.service, s.operation ?? '—', s.resultat, String(s.nombre)]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  return lines.join('\n');
}

export function addConformanceCommands(program: Command, op: Op, print: Print): void {
  const conformite = program.command('conformite').description('exécutions du jeu de test e-SAV (recette) : ce que la promotion en production vérifie');

  conformite
    .command('lister')
    .description('les exécutions enregistrées d’un opérateur et les domaines qu’elles valident')
    .argument('<operateur>', 'code opérateur (4 caractères)')
    .addOption(new Option('--limite <n>', 'nombre maximum d’exécutions (1 à 500)').argParser(parseLimit).default(20))
    .action(async (operateur: string, o: { limite: number }, command: Command) => {
      const view = await op<OperatorConformanceJson>(command, 'getOperatorConformance', { params: { operateur }, query: { limite: o.limite } });
      print(command, view, () => formatConformanceRuns(view));
    });

  conformite
    .command('voir')
    .description('une exécution : domaines validés ou non (avec la raison) et appels servis constatés par la passerelle')
    .argument('<execution>', 'numéro de l’exécution', parseId)
    .action(async (id: string, _o: unknown, command: Command) => {
      const run = await op<ConformanceRunDetailJson>(command, 'getConformanceRun', { params: { id } });
      print(command, run, () => formatConformanceRun(run));
    });

  conformite
    .command('rapport')
    .description('le rapport conservé d’une exécution (HTML autonome ou JUnit XML)')
    .argument('<execution>', 'numéro de l’exécution', parseId)
    .addOption(new Option('--format <format>', 'format du rapport').choices(['html', 'junit']).default('html'))
    .option('--sortie <fichier>', 'fichier où l’écrire (défaut : la sortie standard)')
    .action(async (id: string, o: { format: string; sortie?: string }, command: Command) => {
      const report = await op<{ idExecution: number; format: string; contenu: string }>(command, 'getConformanceReport', { params: { id }, query: { format: o.format } });
      if (o.sortie) {
        fs.writeFileSync(o.sortie, report.contenu);
        print(command, { idExecution: report.idExecution, format: report.format, fichier: o.sortie }, () => `rapport ${report.format} de l’exécution ${report.idExecution} écrit dans ${o.sortie}`);
      } else {
        print(command, report, () => report.contenu);
      }
    });
}
