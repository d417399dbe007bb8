// Domain "interop" (Interop'Fibre contracts): planChargeSavFtth — slot search in a commune →
// booking → report to another slot → consultation — and infoTravauxFTTH (FTTH works and
// collective faults of the operator); negative cases: schema-invalid message (101), another
// operator's SIREN in the header (201) on both contracts. The search answers 321 at night.
import { formatParisDateTime } from '../../domain/paris-calendar.js';
import { asList, check, expectSame, Failure, instant, otherSiren, type Scenario, type ScenarioContext } from '../scenario.js';

const P = 'planChargeSavFtth' as const;
const I = 'infoTravauxFTTH' as const;
const DAY = 24 * 3600_000;
const PRODUIT = { natureProduit: 'FTTH_ACCES', segmentMarche: 'GP' } as const;

const typeIntervention = (ctx: ScenarioContext) => (ctx.options.typeRendezVous === 'EXPERTISE_CONTRADICTOIRE' ? 'E' : 'S');

/** The commune searched: the option, else the run's ticket's prestation's (read from its detail). */
async function codeInseeOf(ctx: ScenarioContext): Promise<string> {
  if (ctx.options.codeInsee) return ctx.options.codeInsee;
  if (!ctx.shared.ticket && !ctx.options.referenceSignalisation) {
    throw new Failure('commune inconnue : préciser --code-insee (ou vérifier aussi le domaine signalisation, dont la prestation la donne)');
  }
  const ticket = await ctx.ticket();
  if (!ticket.codeInsee) {
    const answer = await ctx.call('signalisation', 'consulterDetailSignalisation', { referenceSignalisation: ticket.referenceSignalisation });
    if (answer?.signalisation?.prestation?.codeInsee) ticket.codeInsee = String(answer.signalisation.prestation.codeInsee);
  }
  if (!ticket.codeInsee) throw new Failure(`la prestation ${ctx.options.prestation} n’a pas de code INSEE : préciser --code-insee`);
  ctx.note(`commune ${ticket.codeInsee} (prestation ${ctx.options.prestation})`);
  return ticket.codeInsee;
}

function searchArgs(ctx: ScenarioContext, codeInsee: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = ctx.serverNow().getTime();
  return {
    typeIntervention: typeIntervention(ctx),
    ...PRODUIT,
    codeInsee,
    dateDebut: formatParisDateTime(new Date(now + 3600_000)),
    dateFin: formatParisDateTime(new Date(now + ctx.options.searchDays * DAY)),
    defectPrelocalization: 'PTO',
    ...overrides,
  };
}

export const interopScenarios: Scenario[] = [
  {
    id: 'interop.recherche',
    domain: 'interop',
    title: 'planChargeSavFtth : créneaux libres d’une commune (rechercheCreneauxLibres)',
    calls: [{ service: P, operation: 'rechercheCreneauxLibres', outcome: 'ok' }],
    async run(ctx) {
      const codeInsee = await codeInseeOf(ctx);
      const answer = await ctx.call(P, 'rechercheCreneauxLibres', searchArgs(ctx, codeInsee));
      const slots = asList<any>(answer?.listeCreneau?.occCreneau)
        .filter((c) => c)
        .map((c) => ({ idOI: String(c.idOI), dateDebut: instant(c.dateDebut)!, dateFin: instant(c.dateFin)! }));
      for (const s of slots) check(s.idOI && s.dateDebut && s.dateFin && s.dateDebut < s.dateFin, 'rechercheCreneauxLibres : créneau incomplet (idOI, dateDebut < dateFin)');
      check(slots.length >= 2, `rechercheCreneauxLibres : ${slots.length} créneau(x) libre(s) dans la commune ${codeInsee} ; deux sont nécessaires (réservation puis report) — élargir --jours-recherche`);
      ctx.shared.interop = { codeInsee, slots };
      return `${slots.length} créneau(x) dans la commune ${codeInsee}, premier le ${formatParisDateTime(slots[0]!.dateDebut)}`;
    },
  },
  {
    id: 'interop.reservation',
    domain: 'interop',
    title: 'planChargeSavFtth : réservation d’un créneau (reservationCreneau)',
    calls: [{ service: P, operation: 'reservationCreneau', outcome: 'ok' }],
    needs: ['interop.recherche'],
    async run(ctx) {
      const state = ctx.shared.interop!;
      const slot = state.slots[0]!;
      const answer = await ctx.call(P, 'reservationCreneau', { ...PRODUIT, codeInsee: state.codeInsee, idCreneau: slot.idOI });
      check(answer?.idRendezvous, 'reservationCreneau : idRendezvous absent');
      state.idRendezvous = String(answer.idRendezvous);
      return `${answer.idRendezvous} le ${formatParisDateTime(slot.dateDebut)}`;
    },
  },
  {
    id: 'interop.report',
    domain: 'interop',
    title: 'planChargeSavFtth : report sur un autre créneau (reportRDV)',
    calls: [{ service: P, operation: 'reportRDV', outcome: 'ok' }],
    needs: ['interop.reservation'],
    async run(ctx) {
      const state = ctx.shared.interop!;
      const target = state.slots[1]!;
      await ctx.call(P, 'reportRDV', {
        typeIntervention: typeIntervention(ctx),
        ...PRODUIT,
        codeInsee: state.codeInsee,
        idRendezvous: state.idRendezvous,
        natureReport: 'REPORT_RDV_RESERVE',
        idCreneau: target.idOI,
      });
      state.reportedTo = target.dateDebut;
      return `${state.idRendezvous} reporté au ${formatParisDateTime(target.dateDebut)}`;
    },
  },
  {
    id: 'interop.consultation',
    domain: 'interop',
    title: 'planChargeSavFtth : consultation du rendez-vous reporté (consultationRdv)',
    calls: [{ service: P, operation: 'consultationRdv', outcome: 'ok' }],
    needs: ['interop.report'],
    async run(ctx) {
      const state = ctx.shared.interop!;
      const answer = await ctx.call(P, 'consultationRdv', { idRendezVous: state.idRendezvous });
      expectSame('consultationRdv : idRendezVous', state.idRendezvous, answer?.idRendezVous);
      expectSame('consultationRdv : dateDebut (après report)', state.reportedTo!.toISOString(), instant(answer?.dateDebut)?.toISOString());
      expectSame('consultationRdv : codeInsee', state.codeInsee, answer?.codeInsee);
      check(answer?.statutRendezVous, 'consultationRdv : statutRendezVous absent');
      ctx.note('le rendez-vous Interop’Fibre reste réservé (le contrat n’a pas d’annulation)');
      return `${state.idRendezvous} ${String(answer.statutRendezVous)} le ${formatParisDateTime(state.reportedTo!)}`;
    },
  },
  {
    id: 'interop.travaux',
    domain: 'interop',
    title: 'infoTravauxFTTH : travaux et défauts collectifs FTTH de l’opérateur (getInfoTravauxFTTH)',
    calls: [{ service: I, operation: 'getInfoTravauxFTTH', outcome: 'ok' }],
    async run(ctx) {
      const answer = await ctx.call(I, 'getInfoTravauxFTTH', {});
      const works = asList<any>(answer?.listeTravaux?.travaux);
      for (const w of works) {
        check(w?.attributes?.reference, 'getInfoTravauxFTTH : travaux sans attribut reference');
        expectSame(`getInfoTravauxFTTH : ${String(w.attributes.reference)} serviceProviderID`, ctx.options.sirenOC, w.attributes.serviceProviderID);
        check(w.type === 'TP' || w.type === 'DERCO', `getInfoTravauxFTTH : ${String(w.attributes.reference)} de type ${String(w.type)} (TP ou DERCO attendu)`);
      }
      return `${works.length} travaux / défaut(s) collectif(s) publiés`;
    },
  },
  {
    id: 'interop.negatif-schema',
    domain: 'interop',
    title: 'Cas négatif : type d’intervention hors schéma → faute 101',
    calls: [{ service: P, operation: 'rechercheCreneauxLibres', outcome: 'fault:101' }],
    async run(ctx) {
      const fault = await ctx.expectFault(P, 'rechercheCreneauxLibres', searchArgs(ctx, ctx.options.codeInsee ?? '75056', { typeIntervention: 'X' }), 101);
      return `faute 101 : ${fault.libelle}`;
    },
  },
  {
    id: 'interop.negatif-operateur',
    domain: 'interop',
    title: 'Cas négatif : SIREN d’un autre opérateur dans l’en-tête → faute 201 (les deux contrats)',
    calls: [
      { service: P, operation: 'consultationRdv', outcome: 'fault:201' },
      { service: I, operation: 'getInfoTravauxFTTH', outcome: 'fault:201' },
    ],
    async run(ctx) {
      const other = otherSiren(ctx.options.sirenOC);
      await ctx.expectFault(P, 'consultationRdv', { idRendezVous: 'RDV-0000000000' }, 201, { header: { sirenOC: other } });
      await ctx.expectFault(I, 'getInfoTravauxFTTH', {}, 201, { header: { sirenOC: other } });
      return `faute 201 avec le SIREN ${other} (planChargeSavFtth, infoTravauxFTTH)`;
    },
  },
];
