// The support commands of the technicians' capacity (`npm run admin -- capacite …`, issue 14,
// decision 0018): weekly patterns per commune and appointment type, extra capacity, closures, the
// provider's non-working days and the view of booked versus free slots. Clients of the admin API
// routes of src/adapters/admin-api/capacity-routes.ts. Every change names the support staff
// member: --agent, or ESAV_AGENT.
import { Command, InvalidArgumentError, Option } from 'commander';
import type {
  CapacityViewJson,
  ClosureJson,
  ExtraJson,
  NonWorkingDayJson,
  PatternJson,
  RegenerationJson,
} from '../adapters/admin-api/capacity-routes.js';
import { ISO_WEEKDAY_NAMES, formatParisDateTime } from '../domain/paris-calendar.js';
import { date, table } from './format.js';
import type { Op, Print } from './operation.js';
import { agentOf, agentOption } from './agent.js';

const hhmm = (iso: string) => formatParisDateTime(new Date(iso)).slice(11, 16);
const dayOf = (iso: string) => formatParisDateTime(new Date(iso)).slice(0, 10);

interface PlageJson {
  jour: number;
  debut: string;
  fin: string;
  dureeMinutes: number;
  techniciens: number;
  joursFeries: boolean;
}

/**
 * `--plage "1-5 08:00-12:00 120 3 [feries]"`: weekdays (1 = Monday; `1-5`, `1,3,5`, `6`), the
 * span, the appointment length in minutes, the technicians, and `feries` when it also applies on
 * public holidays. One line per weekday.
 */
export function parsePlage(value: string, previous: PlageJson[] = []): PlageJson[] {
  const parts = value.trim().split(/\s+/);
  const usage = `plage « ${value} » : attendu « JOURS HH:MM-HH:MM DUREE TECHNICIENS [feries] », ex. « 1-5 08:00-12:00 120 3 »`;
  if (parts.length < 4 || parts.length > 5 || (parts[4] !== undefined && parts[4] !== 'feries')) throw new InvalidArgumentError(usage);
  const [jours, span, duree, techniciens] = parts as [string, string, string, string];
  const days = new Set<number>();
  for (const piece of jours.split(',')) {
    const range = /^([1-7])(?:-([1-7]))?$/.exec(piece);
    if (!range) throw new InvalidArgumentError(usage);
    for (let d = Number(range[1]); d <= Number(range[2] ?? range[1]); d++) days.add(d);
  }
  const times = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(span);
  if (!times || !/^\d+$/.test(duree) || !/^\d+$/.test(techniciens)) throw new InvalidArgumentError(usage);
  return [
    ...previous,
    ...[...days].sort().map((jour) => ({ jour, debut: times[1]!, fin: times[2]!, dureeMinutes: Number(duree), techniciens: Number(techniciens), joursFeries: parts[4] === 'feries' })),
  ];
}

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('un entier est attendu');
  return Number(value);
}

export function formatPatterns(list: PatternJson[]): string {
  if (list.length === 0) return 'aucun planning';
  return table(
    ['COMMUNE', 'TYPE', 'JOUR', 'PLAGE', 'DURÉE', 'TECHNICIENS', 'FÉRIÉS'],
    list.map((p) => [p.commune, p.type, `${p.jour} ${ISO_WEEKDAY_NAMES[p.jour]?.slice(0, 3) ?? ''}`, `${p.debut}-${p.fin}`, `${p.dureeMinutes} min`, String(p.techniciens), p.joursFeries ? 'oui' : 'non']),
  );
}

export function formatRegeneration(r: RegenerationJson | undefined): string {
  if (!r) return '';
  const lines = [`créneaux régénérés (${r.communes.join(', ') || 'aucune commune générée'}) : ${r.creneauxAjoutes} ajouté(s), ${r.creneauxRetires} retiré(s)`];
  if (r.horsCapacite.length > 0) {
    lines.push(`rendez-vous réservés gardés hors capacité (à traiter) : ${r.horsCapacite.length}`);
    lines.push(...r.horsCapacite.map((b) => `  ${b.idRendezVous}  ${b.operateur}  ${b.commune}  ${b.type}  ${date(b.debut)}`));
  }
  return lines.join('\n');
}

export function formatExtras(list: ExtraJson[]): string {
  if (list.length === 0) return 'aucune capacité supplémentaire';
  return table(
    ['N°', 'COMMUNE', 'TYPE', 'JOUR', 'PLAGE', 'DURÉE', 'TECHNICIENS', 'MOTIF'],
    list.map((e) => [String(e.id), e.commune, e.type, e.jour, `${e.debut}-${e.fin}`, `${e.dureeMinutes} min`, String(e.techniciens), e.motif ?? '—']),
  );
}

export function formatClosures(list: ClosureJson[]): string {
  if (list.length === 0) return 'aucune fermeture';
  const rows = table(
    ['N°', 'PÉRIMÈTRE', 'TYPE', 'DÉBUT', 'FIN', 'RDV À TRAITER', 'MOTIF'],
    list.map((c) => [String(c.id), c.perimetre ?? 'toutes', c.type ?? 'tous', date(c.debut), date(c.fin), String(c.conflitsTotal), c.motif]),
  );
  // The answer lists the first appointments of each closure; the rest is counted.
  const conflicts = list.flatMap((c) => [
    ...c.conflits.map((b) => `  fermeture ${c.id} : ${b.idRendezVous}  ${b.operateur}  ${b.commune}  ${b.type}  ${date(b.debut)}`),
    ...(c.conflitsTotal > c.conflits.length ? [`  fermeture ${c.id} : … et ${c.conflitsTotal - c.conflits.length} autres`] : []),
  ]);
  return conflicts.length > 0 ? `${rows}\nrendez-vous réservés dans une fermeture (à traiter) :\n${conflicts.join('\n')}` : rows;
}

export function formatDays(list: NonWorkingDayJson[]): string {
  if (list.length === 0) return 'aucun jour non travaillé';
  return table(
    ['N°', 'JOUR', 'SOURCE', 'PÉRIMÈTRE', 'LIBELLÉ'],
    list.map((d) => [d.id === null ? '—' : String(d.id), d.jour, d.source, d.perimetre ?? 'toutes', d.libelle]),
  );
}

export function formatView(v: CapacityViewJson): string {
  const rows: string[][] = [];
  for (const d of v.jours) {
    if (d.creneaux.length === 0) {
      rows.push([d.jour, '—', d.ferie ? `férié : ${d.ferie}` : '—', '0', '0', '0', '0', '0']);
      continue;
    }
    for (const w of d.creneaux) {
      rows.push([
        dayOf(w.debut),
        w.type,
        `${hhmm(w.debut)}-${hhmm(w.fin)}`,
        String(w.capacite),
        String(w.reserves),
        String(w.libres),
        String(w.fermes),
        w.horsCapacite + w.conflits > 0 ? `${w.horsCapacite + w.conflits}` : '0',
      ]);
    }
  }
  const t = v.total;
  const lines = [
    `commune ${v.commune}${v.type ? `, ${v.type}` : ''}, du ${v.du} au ${v.au}`,
    table(['JOUR', 'TYPE', 'CRÉNEAU', 'CAPACITÉ', 'RÉSERVÉS', 'LIBRES', 'FERMÉS', 'À TRAITER'], rows),
    `total : capacité ${t.capacite}, réservés ${t.reserves}, libres ${t.libres}, fermés ${t.fermes}, hors capacité ${t.horsCapacite}, réservés dans une fermeture ${t.conflits}`,
  ];
  if (v.aTraiter.length > 0) {
    lines.push('rendez-vous à traiter :');
    lines.push(...v.aTraiter.map((b) => `  ${b.idRendezVous}  ${b.operateur}  ${b.type}  ${date(b.debut)}  ${b.raison === 'FERMETURE' ? 'dans une fermeture' : 'hors capacité'}`));
  }
  return lines.join('\n');
}

export function addCapacityCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv): void {
  const capacite = program
    .command('capacite')
    .description('capacité des techniciens : plannings, capacités supplémentaires, fermetures, jours non travaillés, créneaux réservés et libres');
  const typeOption = (required = false) => {
    const option = new Option('--type <type>', 'type de rendez-vous').choices(['SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE']);
    return required ? option.makeOptionMandatory() : option;
  };
  // A list cut at its page: how to ask for the next one.
  const withNextPage = (text: string, next: string | null) => (next ? `${text}\n(suite : --apres ${next})` : text);
  const withRegeneration = (head: string, r: RegenerationJson | undefined) => [head, formatRegeneration(r)].filter(Boolean).join('\n');

  // ---- patterns
  capacite
    .command('plannings')
    .description('les plannings hebdomadaires (toutes les communes, ou une)')
    .option('--commune <insee>', 'code INSEE de la commune')
    .addOption(typeOption())
    .option('--limite <n>', 'plages au plus (1000 par défaut, 5000 au plus)', integer)
    .option('--apres <position>', 'la page qui suit cette position (donnée par la page précédente)')
    .action(async (o: { commune?: string; type?: string; limite?: number; apres?: string }, command: Command) => {
      const list = await op<{ plannings: PatternJson[]; suivant: string | null }>(command, 'listCapacityPatterns', {
        query: { commune: o.commune, type: o.type, limite: o.limite, apres: o.apres },
      });
      print(command, list, () => withNextPage(formatPatterns(list.plannings), list.suivant));
    });

  const planning = capacite.command('planning').description('modifier le planning hebdomadaire d’une commune et d’un type');
  planning
    .command('definir')
    .description('remplace tout le planning de la commune et du type ; les créneaux libres à venir sont régénérés, les réservés restent')
    .requiredOption('--commune <insee>', 'code INSEE de la commune')
    .addOption(typeOption(true))
    .requiredOption('--plage <plage>', '« JOURS HH:MM-HH:MM DUREE TECHNICIENS [feries] », répétable, ex. « 1-5 08:00-12:00 120 3 »', parsePlage)
    .addOption(agentOption())
    .action(async (o: { commune: string; type: string; plage: PlageJson[]; agent?: string }, command: Command) => {
      const result = await op<{ plannings: PatternJson[]; regeneration: RegenerationJson }>(command, 'replaceCapacityPatterns', {
        params: { commune: o.commune, type: o.type },
        body: { agent: agentOf(o, env), plages: o.plage },
      });
      print(command, result, () => withRegeneration(formatPatterns(result.plannings), result.regeneration));
    });

  planning
    .command('ajouter')
    .description('ajoute une plage (ou remplace celle du même jour et de la même heure de début)')
    .requiredOption('--commune <insee>', 'code INSEE de la commune')
    .addOption(typeOption(true))
    .requiredOption('--jour <1-7>', 'jour ISO (1 = lundi … 7 = dimanche)', integer)
    .requiredOption('--debut <HH:MM>', 'début de la plage (heure de Paris)')
    .requiredOption('--fin <HH:MM>', 'fin de la plage')
    .requiredOption('--duree <minutes>', 'durée d’un rendez-vous', integer)
    .requiredOption('--techniciens <n>', 'techniciens en parallèle', integer)
    .option('--feries', 'la plage s’applique aussi les jours fériés')
    .addOption(agentOption())
    .action(async (o: { commune: string; type: string; jour: number; debut: string; fin: string; duree: number; techniciens: number; feries?: boolean; agent?: string }, command: Command) => {
      const result = await op<{ plannings: PatternJson[]; regeneration: RegenerationJson }>(command, 'upsertCapacityPattern', {
        params: { commune: o.commune, type: o.type },
        body: {
          agent: agentOf(o, env),
          jour: o.jour,
          debut: o.debut,
          fin: o.fin,
          dureeMinutes: o.duree,
          techniciens: o.techniciens,
          joursFeries: Boolean(o.feries),
        },
      });
      print(command, result, () => withRegeneration(formatPatterns(result.plannings), result.regeneration));
    });

  planning
    .command('supprimer')
    .description('supprime le planning de la commune et du type (ou la seule plage --jour --debut) ; les rendez-vous réservés restent')
    .requiredOption('--commune <insee>', 'code INSEE de la commune')
    .addOption(typeOption(true))
    .option('--jour <1-7>', 'jour de la plage à supprimer', integer)
    .option('--debut <HH:MM>', 'début de la plage à supprimer')
    .addOption(agentOption())
    .action(async (o: { commune: string; type: string; jour?: number; debut?: string; agent?: string }, command: Command) => {
      const result = await op<{ plannings: PatternJson[]; regeneration: RegenerationJson }>(command, 'deleteCapacityPatterns', {
        params: { commune: o.commune, type: o.type },
        body: {
          agent: agentOf(o, env),
          ...(o.jour !== undefined ? { jour: o.jour } : {}),
          ...(o.debut !== undefined ? { debut: o.debut } : {}),
        },
      });
      print(command, result, () => withRegeneration(`planning ${o.commune} ${o.type} : ${result.plannings.length} plage(s) restante(s)`, result.regeneration));
    });

  // ---- extra capacity
  capacite
    .command('supplements')
    .description('les capacités supplémentaires')
    .option('--commune <insee>', 'code INSEE de la commune')
    .addOption(typeOption())
    .option('--du <AAAA-MM-JJ>', 'à partir de ce jour')
    .option('--au <AAAA-MM-JJ>', 'jusqu’à ce jour')
    .option('--limite <n>', 'capacités au plus (1000 par défaut, 5000 au plus)', integer)
    .option('--apres <position>', 'la page qui suit cette position (donnée par la page précédente)')
    .action(async (o: { commune?: string; type?: string; du?: string; au?: string; limite?: number; apres?: string }, command: Command) => {
      const list = await op<{ supplements: ExtraJson[]; suivant: string | null }>(command, 'listCapacityExtras', {
        query: { commune: o.commune, type: o.type, du: o.du, au: o.au, limite: o.limite, apres: o.apres },
      });
      print(command, list, () => withNextPage(formatExtras(list.supplements), list.suivant));
    });

  const supplement = capacite.command('supplement').description('ajouter ou supprimer une capacité supplémentaire');
  supplement
    .command('ajouter')
    .description('des créneaux en plus un jour donné (techniciens, plage, durée)')
    .requiredOption('--commune <insee>', 'code INSEE de la commune')
    .addOption(typeOption(true))
    .requiredOption('--jour <AAAA-MM-JJ>', 'le jour')
    .requiredOption('--debut <HH:MM>', 'début de la plage (heure de Paris)')
    .requiredOption('--fin <HH:MM>', 'fin de la plage')
    .requiredOption('--duree <minutes>', 'durée d’un rendez-vous', integer)
    .requiredOption('--techniciens <n>', 'techniciens en parallèle', integer)
    .option('--motif <texte>', 'pourquoi')
    .addOption(agentOption())
    .action(async (o: { commune: string; type: string; jour: string; debut: string; fin: string; duree: number; techniciens: number; motif?: string; agent?: string }, command: Command) => {
      const result = await op<{ supplement: ExtraJson; regeneration: RegenerationJson }>(command, 'createCapacityExtra', {
        body: {
          agent: agentOf(o, env),
          commune: o.commune,
          type: o.type,
          jour: o.jour,
          debut: o.debut,
          fin: o.fin,
          dureeMinutes: o.duree,
          techniciens: o.techniciens,
          ...(o.motif !== undefined ? { motif: o.motif } : {}),
        },
      });
      print(command, result, () => withRegeneration(`capacité supplémentaire n° ${result.supplement.id} ajoutée`, result.regeneration));
    });

  supplement
    .command('supprimer')
    .description('supprime une capacité supplémentaire ; ses créneaux libres à venir sont retirés')
    .argument('<id>', 'numéro de la capacité supplémentaire', integer)
    .addOption(agentOption())
    .action(async (id: number, o: { agent?: string }, command: Command) => {
      const result = await op<{ supplement: ExtraJson; regeneration: RegenerationJson }>(command, 'deleteCapacityExtra', { params: { id }, body: { agent: agentOf(o, env) } });
      print(command, result, () => withRegeneration(`capacité supplémentaire n° ${id} supprimée`, result.regeneration));
    });

  // ---- closures
  capacite
    .command('fermetures')
    .description('les fermetures, avec leurs rendez-vous réservés à traiter')
    .option('--commune <insee>', 'celles qui couvrent cette commune')
    .addOption(typeOption())
    .option('--du <date>', 'qui finissent après (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM)')
    .option('--au <date>', 'qui commencent avant')
    .option('--limite <n>', 'fermetures au plus (100 par défaut, 500 au plus)', integer)
    .option('--apres <position>', 'la page qui suit cette position (donnée par la page précédente)')
    .action(async (o: { commune?: string; type?: string; du?: string; au?: string; limite?: number; apres?: string }, command: Command) => {
      const list = await op<{ fermetures: ClosureJson[]; suivant: string | null }>(command, 'listCapacityClosures', {
        query: { commune: o.commune, type: o.type, du: o.du, au: o.au, limite: o.limite, apres: o.apres },
      });
      print(command, list, () => withNextPage(formatClosures(list.fermetures), list.suivant));
    });

  const fermeture = capacite.command('fermeture').description('fermer une période ou lever une fermeture');
  fermeture
    .command('ajouter')
    .description('plus aucun créneau libre proposé dans la période ; les rendez-vous réservés restent et sont listés')
    .option('--perimetre <code>', 'commune (code INSEE) ou département ; absent : toutes les zones')
    .addOption(typeOption())
    .requiredOption('--du <date>', 'début : AAAA-MM-JJ (le jour entier) ou AAAA-MM-JJTHH:MM (heure de Paris)')
    .requiredOption('--au <date>', 'fin : AAAA-MM-JJ (jour inclus) ou AAAA-MM-JJTHH:MM')
    .requiredOption('--motif <texte>', 'pourquoi')
    .addOption(agentOption())
    .action(async (o: { perimetre?: string; type?: string; du: string; au: string; motif: string; agent?: string }, command: Command) => {
      const created = await op<ClosureJson>(command, 'createCapacityClosure', {
        body: {
          agent: agentOf(o, env),
          ...(o.perimetre !== undefined ? { perimetre: o.perimetre } : {}),
          ...(o.type !== undefined ? { type: o.type } : {}),
          debut: o.du,
          fin: o.au,
          motif: o.motif,
        },
      });
      print(command, created, () => `fermeture n° ${created.id} ajoutée\n${formatClosures([created])}`);
    });

  fermeture
    .command('supprimer')
    .description('lève une fermeture : ses créneaux libres sont de nouveau proposés')
    .argument('<id>', 'numéro de la fermeture', integer)
    .addOption(agentOption())
    .action(async (id: number, o: { agent?: string }, command: Command) => {
      const removed = await op<ClosureJson>(command, 'deleteCapacityClosure', { params: { id }, body: { agent: agentOf(o, env) } });
      print(command, removed, () => `fermeture n° ${removed.id} levée`);
    });

  // ---- non-working days
  capacite
    .command('feries')
    .description('jours fériés nationaux et jours non travaillés du fournisseur d’une année')
    .requiredOption('--annee <aaaa>', 'l’année', integer)
    .option('--commune <insee>', 'ceux qui s’appliquent à cette commune')
    .action(async (o: { annee: number; commune?: string }, command: Command) => {
      const list = await op<{ jours: NonWorkingDayJson[] }>(command, 'listNonWorkingDays', { query: { annee: o.annee, commune: o.commune } });
      print(command, list, () => formatDays(list.jours));
    });

  const ferie = capacite.command('ferie').description('ajouter ou retirer un jour non travaillé du fournisseur');
  ferie
    .command('ajouter')
    .description('un jour sans créneau (sauf plannings « jours fériés ») : férié local, Alsace-Moselle, pont…')
    .requiredOption('--jour <AAAA-MM-JJ>', 'le jour')
    .requiredOption('--libelle <texte>', 'son nom')
    .option('--perimetre <code>', 'commune (code INSEE) ou département (ex. 57) ; absent : toutes les zones')
    .addOption(agentOption())
    .action(async (o: { jour: string; libelle: string; perimetre?: string; agent?: string }, command: Command) => {
      const result = await op<{ jour: NonWorkingDayJson; regeneration: RegenerationJson }>(command, 'createNonWorkingDay', {
        body: {
          agent: agentOf(o, env),
          jour: o.jour,
          libelle: o.libelle,
          ...(o.perimetre !== undefined ? { perimetre: o.perimetre } : {}),
        },
      });
      print(command, result, () => withRegeneration(`jour non travaillé n° ${result.jour.id} : ${result.jour.jour} (${result.jour.perimetre ?? 'toutes les zones'})`, result.regeneration));
    });

  ferie
    .command('supprimer')
    .description('retire un jour non travaillé du fournisseur ; les créneaux de ce jour sont régénérés')
    .argument('<id>', 'numéro du jour', integer)
    .addOption(agentOption())
    .action(async (id: number, o: { agent?: string }, command: Command) => {
      const result = await op<{ jour: NonWorkingDayJson; regeneration: RegenerationJson }>(command, 'deleteNonWorkingDay', { params: { id }, body: { agent: agentOf(o, env) } });
      print(command, result, () => withRegeneration(`jour non travaillé n° ${id} retiré (${result.jour.jour})`, result.regeneration));
    });

  // ---- booked versus free
  capacite
    .command('vue')
    .description('créneaux réservés et libres d’une commune, par jour et par créneau, avec la synthèse')
    .requiredOption('--commune <insee>', 'code INSEE de la commune')
    .addOption(typeOption())
    .requiredOption('--du <AAAA-MM-JJ>', 'premier jour')
    .requiredOption('--au <AAAA-MM-JJ>', 'dernier jour (92 jours au plus)')
    .action(async (o: { commune: string; type?: string; du: string; au: string }, command: Command) => {
      const view = await op<CapacityViewJson>(command, 'capacityView', { query: { commune: o.commune, type: o.type, du: o.du, au: o.au } });
      print(command, view, () => formatView(view));
    });
}
