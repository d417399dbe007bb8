// The back-office commands of planned works and network incidents (`npm run admin -- travaux …`):
// publish, update (new dates: REPLANIFICATION, anything else: MAJ), close, cancel, list, show.
// Clients of the admin API routes /admin/travaux (src/adapters/admin-api/travaux-routes.ts).
import type { Op, Print } from './operation.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseXsDateTime } from '../domain/paris-calendar.js';
import { NATURES_INTERVENTION, NATURES_TRAVAUX } from '../domain/travaux.js';
import type { TravauxJson } from '../adapters/admin-api/travaux-routes.js';
import { date, table } from './format.js';


const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?$/;

/** `2026-03-02T22:00` (Europe/Paris) or with an offset, as an ISO-8601 instant. */
export function parseDate(value: string): string {
  if (!DATE.test(value)) throw new InvalidArgumentError('date attendue, ex. 2026-03-02T22:00 (heure de Paris) ou 2026-03-02T22:00:00+01:00');
  const lexical = /T\d\d:\d\d$/.test(value) || /T\d\d:\d\d(Z|[+-]\d\d:\d\d)$/.test(value) ? value.replace(/(T\d\d:\d\d)/, '$1:00') : value;
  return parseXsDateTime(lexical).toISOString();
}

/** `--element PM:PM-75056-0042` (repeatable): a network element of the perimeter. */
function collectElements(value: string, previous: Array<{ type: string; reference: string }> | undefined) {
  const m = /^([A-Z0-9_]{1,32}):(.{1,100})$/.exec(value);
  if (!m) throw new InvalidArgumentError('TYPE:REFERENCE attendu, ex. PM:PM-75056-0042, PBO:PBO-75056-0063-01, NRA:NRA-75109, ZONE:75056');
  return [...(previous ?? []), { type: m[1]!, reference: m[2]! }];
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidArgumentError('un entier de 1 à 500 est attendu');
  return n;
}

const text = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);
const yesNo = (v: boolean | null) => (v === null ? '—' : v ? 'oui' : 'non');

export function formatTravaux(t: TravauxJson): string {
  const rows: Array<[string, string]> = [
    ['nature', t.nature],
    ['état', `${t.etat}${t.dateCloture ? ` le ${date(t.dateCloture)}` : ''}`],
    ['libellé', t.libelle],
    ['équipement', `${t.equipement}${t.referencePm ? ` (PM ${t.referencePm})` : ''}${t.referencePmTechnique ? ` (PMT ${t.referencePmTechnique})` : ''}`],
    ['début', date(t.dateDebut)],
    ['fin', date(t.dateFin)],
    ['intervention OC requise', yesNo(t.interventionRequiseOC)],
    ['travaux curatifs', yesNo(t.travauxCuratifs)],
    ['nature d’intervention', text(t.natureIntervention)],
    ['commentaire', text(t.commentaire)],
    ['contact OI', text(t.contactOI)],
    ['incident lié', text(t.referenceIncident)],
    ['périmètre', t.perimetre.map((e) => `${e.type}:${e.reference}`).join(', ')],
    ['modifié le', date(t.dateModification)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`${t.reference}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)} : ${value}`)].join('\n');
}

export function formatTravauxList(list: TravauxJson[]): string {
  if (list.length === 0) return 'aucun travaux';
  return table(
    ['RÉFÉRENCE', 'NATURE', 'ÉTAT', 'DÉBUT', 'FIN', 'LIBELLÉ'],
    list.map((t) => [t.reference, t.nature, t.etat, date(t.dateDebut), date(t.dateFin), t.libelle]),
  );
}

export function addTravauxCommands(program: Command, op: Op, print: Print): void {
  const travaux = program.command('travaux').description('travaux programmés et incidents réseau : publier, mettre à jour, clôturer, annuler');

  travaux
    .command('publier')
    .description('publie des travaux programmés ou un incident (état NOUVEAU) sur un périmètre d’éléments de réseau')
    .addOption(new Option('--nature <nature>', 'TRAVAUX_PROGRAMMES ou INCIDENT').choices(NATURES_TRAVAUX).makeOptionMandatory())
    .requiredOption('--libelle <texte>', 'libellé (1 à 255 caractères)')
    .requiredOption('--equipement <code>', 'équipement concerné : PM, PMT, PBO, LIENPMPBO (FTTH, publiés sous Interop’Fibre), NRA, OLT…')
    .requiredOption('--debut <date>', 'début, ex. 2026-03-02T22:00 (heure de Paris)', parseDate)
    .option('--fin <date>', 'fin prévue', parseDate)
    .requiredOption('--element <TYPE:REFERENCE>', 'élément de réseau impacté, répétable (PM:…, PBO:…, NRA:…, ZONE:<code INSEE>)', collectElements)
    .option('--reference <ref>', 'référence (défaut : TRV-…)')
    .option('--pm <ref>', 'référence du PM (obligatoire pour un équipement FTTH)')
    .option('--pmt <ref>', 'référence du PM technique')
    .option('--intervention-oc', 'une intervention de l’opérateur est requise')
    .option('--curatifs', 'travaux curatifs')
    .addOption(new Option('--nature-intervention <code>', 'nature de l’intervention').choices(NATURES_INTERVENTION))
    .option('--commentaire <texte>', 'commentaire (512 caractères au plus)')
    .option('--contact-oi <texte>', 'coordonnées du contact de l’opérateur d’infrastructure')
    .option('--incident <ref>', 'référence de l’incident lié')
    .action(async (o: Record<string, any>, command: Command) => {
      const body = {
        nature: o.nature,
        libelle: o.libelle,
        equipement: o.equipement,
        dateDebut: o.debut,
        perimetre: o.element,
        interventionRequiseOC: Boolean(o.interventionOc),
        ...(o.fin !== undefined ? { dateFin: o.fin } : {}),
        ...(o.reference !== undefined ? { reference: o.reference } : {}),
        ...(o.pm !== undefined ? { referencePm: o.pm } : {}),
        ...(o.pmt !== undefined ? { referencePmTechnique: o.pmt } : {}),
        ...(o.curatifs ? { travauxCuratifs: true } : {}),
        ...(o.natureIntervention !== undefined ? { natureIntervention: o.natureIntervention } : {}),
        ...(o.commentaire !== undefined ? { commentaire: o.commentaire } : {}),
        ...(o.contactOi !== undefined ? { contactOI: o.contactOi } : {}),
        ...(o.incident !== undefined ? { referenceIncident: o.incident } : {}),
      };
      const created = await op<TravauxJson>(command, 'publishTravaux', { body });
      print(command, created, () => `publié : ${formatTravaux(created)}`);
    });

  travaux
    .command('modifier')
    .description('met à jour des travaux : de nouvelles dates les passent en REPLANIFICATION, tout autre changement en MAJ')
    .argument('<reference>', 'référence des travaux')
    .option('--libelle <texte>', 'nouveau libellé')
    .option('--debut <date>', 'nouveau début', parseDate)
    .option('--fin <date>', 'nouvelle fin', parseDate)
    .option('--sans-fin', 'fin inconnue')
    .option('--element <TYPE:REFERENCE>', 'nouveau périmètre (remplace l’ancien), répétable', collectElements)
    .option('--intervention-oc', 'une intervention de l’opérateur est requise')
    .option('--sans-intervention-oc', 'aucune intervention de l’opérateur n’est requise')
    .option('--commentaire <texte>', 'nouveau commentaire')
    .action(async (reference: string, o: Record<string, any>, command: Command) => {
      const body = {
        ...(o.libelle !== undefined ? { libelle: o.libelle } : {}),
        ...(o.debut !== undefined ? { dateDebut: o.debut } : {}),
        ...(o.fin !== undefined ? { dateFin: o.fin } : o.sansFin ? { dateFin: null } : {}),
        ...(o.element !== undefined ? { perimetre: o.element } : {}),
        ...(o.interventionOc ? { interventionRequiseOC: true } : o.sansInterventionOc ? { interventionRequiseOC: false } : {}),
        ...(o.commentaire !== undefined ? { commentaire: o.commentaire } : {}),
      };
      const updated = await op<TravauxJson>(command, 'updateTravaux', { params: { reference }, body });
      print(command, updated, () => `${updated.reference} : ${updated.etat}`);
    });

  for (const [name, etat, description] of [
    ['cloturer', 'CLOTURE', 'clôture des travaux terminés ou un incident résolu (encore publiés 8 jours)'],
    ['annuler', 'ANNULE', 'annule des travaux (encore publiés 8 jours)'],
  ] as const) {
    travaux
      .command(name)
      .description(description)
      .argument('<reference>', 'référence des travaux')
      .option('--commentaire <texte>', 'commentaire')
      .action(async (reference: string, o: { commentaire?: string }, command: Command) => {
        const body = { etat, ...(o.commentaire !== undefined ? { commentaire: o.commentaire } : {}) };
        const updated = await op<TravauxJson>(command, 'closeTravaux', { params: { reference }, body });
        print(command, updated, () => `${updated.reference} : ${updated.etat} le ${date(updated.dateCloture)}`);
      });
  }

  travaux
    .command('lister')
    .description('les travaux et incidents, les plus récents d’abord')
    .option('--ouverts', 'seulement ceux qui ne sont ni clôturés ni annulés')
    .addOption(new Option('--limite <n>', 'nombre maximum de lignes (1 à 500)').argParser(parseLimit).default(50))
    .action(async (o: { ouverts?: boolean; limite: number }, command: Command) => {
      const query = { ouverts: Boolean(o.ouverts), limite: o.limite };
      const result = await op<{ travaux: TravauxJson[] }>(command, 'listTravaux', { query });
      print(command, result, () => formatTravauxList(result.travaux));
    });

  travaux
    .command('voir')
    .description('détail de travaux ou d’un incident')
    .argument('<reference>', 'référence des travaux')
    .action(async (reference: string, _o: unknown, command: Command) => {
      const found = await op<TravauxJson>(command, 'getTravaux', { params: { reference } });
      print(command, found, () => formatTravaux(found));
    });
}
