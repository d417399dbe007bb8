// Domain "rendezvous" (appointments in SignalisationService v1), on the run's ticket: slot search
// → booking → consultation → cancellation (the slot is given back), then the negative cases 101,
// 310 (unknown signalisation: the appointment operations name a ticket, not a prestation) and
// 201. From 01:00 to 04:00 Paris the search answers 321: reported "indisponible de nuit", not as
// a failure of the operator's integration.
import { formatParisDateTime } from '../../domain/paris-calendar.js';
import { asList, check, expectSame, Failure, instant, otherOperatorCode, UnexpectedFault, type Scenario, type ScenarioContext } from '../scenario.js';

const S = 'signalisation' as const;
const DAY = 24 * 3600_000;

const ticketKey = async (ctx: ScenarioContext) => ({ referenceSignalisation: (await ctx.ticket()).referenceSignalisation });
const unknownTicket = (ctx: ScenarioContext) => ({ referenceInterneOC: `CONF-INCONNUE-${ctx.runTag}` });

/** The search window: from the gateway's now (plus one hour), `searchDays` ahead. */
export function searchWindow(ctx: ScenarioContext): { debut: string; fin: string } {
  const now = ctx.serverNow().getTime();
  return { debut: formatParisDateTime(new Date(now + 3600_000)), fin: formatParisDateTime(new Date(now + ctx.options.searchDays * DAY)) };
}

export const rendezVousScenarios: Scenario[] = [
  {
    id: 'rendezvous.recherche',
    domain: 'rendezvous',
    title: 'Recherche de créneaux libres pour la signalisation (rechercherCreneaux)',
    calls: [{ service: S, operation: 'rechercherCreneaux', outcome: 'ok' }],
    async run(ctx) {
      const key = await ticketKey(ctx);
      const periode = searchWindow(ctx);
      const answer = await ctx.call(S, 'rechercherCreneaux', { ...key, typeRendezVous: ctx.options.typeRendezVous, periode });
      const slots = asList<any>(answer?.creneau).map((c) => ({ idCreneau: String(c.idCreneau), debut: instant(c.debut)!, fin: instant(c.fin)! }));
      check(slots.length > 0, `rechercherCreneaux : aucun créneau ${ctx.options.typeRendezVous} libre du ${periode.debut} au ${periode.fin} (élargir --jours-recherche)`);
      for (const s of slots) check(s.idCreneau && s.debut && s.fin && s.debut < s.fin, 'rechercherCreneaux : créneau incomplet (idCreneau, debut < fin)');
      ctx.shared.rendezVous = { slots };
      return `${slots.length} créneau(x) ${ctx.options.typeRendezVous}, premier le ${formatParisDateTime(slots[0]!.debut)}`;
    },
  },
  {
    id: 'rendezvous.reservation',
    domain: 'rendezvous',
    title: 'Réservation d’un créneau (reserverCreneau)',
    calls: [{ service: S, operation: 'reserverCreneau', outcome: 'ok' }],
    needs: ['rendezvous.recherche'],
    async run(ctx) {
      const key = await ticketKey(ctx);
      const state = ctx.shared.rendezVous!;
      // A slot taken meanwhile (another booking) answers 320: the next one is tried.
      for (const slot of state.slots.slice(0, 3)) {
        try {
          const answer = await ctx.call(S, 'reserverCreneau', { ...key, idCreneau: slot.idCreneau });
          check(answer?.idRendezVous, 'reserverCreneau : idRendezVous absent');
          expectSame('reserverCreneau : referenceSignalisation', key.referenceSignalisation, answer.referenceSignalisation);
          expectSame('reserverCreneau : rendezVous/debut', slot.debut.toISOString(), instant(answer.rendezVous?.debut)?.toISOString());
          state.idRendezVous = String(answer.idRendezVous);
          state.debut = slot.debut;
          return `${answer.idRendezVous} le ${formatParisDateTime(slot.debut)} (${String(answer.rendezVous?.statut)})`;
        } catch (error) {
          if (error instanceof UnexpectedFault && error.fault.code === 320) {
            ctx.note(`créneau ${slot.idCreneau} pris entre-temps (320), créneau suivant`);
            continue;
          }
          throw error;
        }
      }
      throw new Failure('reserverCreneau : les trois premiers créneaux sont déjà pris (320)');
    },
  },
  {
    id: 'rendezvous.consultation',
    domain: 'rendezvous',
    title: 'Consultation du rendez-vous (consulterRendezVous)',
    calls: [{ service: S, operation: 'consulterRendezVous', outcome: 'ok' }],
    needs: ['rendezvous.reservation'],
    async run(ctx) {
      const key = await ticketKey(ctx);
      const { idRendezVous, debut } = ctx.shared.rendezVous!;
      const answer = await ctx.call(S, 'consulterRendezVous', { ...key, idRendezVous });
      const found = asList<any>(answer?.rendezVous).find((r) => r.idRendezVous === idRendezVous);
      check(found, `consulterRendezVous : ${idRendezVous} absent de la réponse`);
      expectSame('consulterRendezVous : debut', debut!.toISOString(), instant(found.debut)?.toISOString());
      return `${idRendezVous} ${String(found.statut)} le ${formatParisDateTime(debut!)}`;
    },
  },
  {
    id: 'rendezvous.annulation',
    domain: 'rendezvous',
    title: 'Annulation du rendez-vous, créneau rendu (annulerRendezVous)',
    calls: [{ service: S, operation: 'annulerRendezVous', outcome: 'ok' }],
    needs: ['rendezvous.reservation'],
    async run(ctx) {
      const key = await ticketKey(ctx);
      const { idRendezVous } = ctx.shared.rendezVous!;
      const answer = await ctx.call(S, 'annulerRendezVous', { ...key, idRendezVous });
      expectSame('annulerRendezVous : rendezVous/idRendezVous', idRendezVous, answer?.rendezVous?.idRendezVous);
      expectSame('annulerRendezVous : rendezVous/statut', 'ANNULE', answer?.rendezVous?.statut);
      return `${idRendezVous} ANNULE`;
    },
  },
  {
    id: 'rendezvous.negatif-schema',
    domain: 'rendezvous',
    title: 'Cas négatif : type de rendez-vous hors schéma → faute 101',
    calls: [{ service: S, operation: 'rechercherCreneaux', outcome: 'fault:101' }],
    async run(ctx) {
      const fault = await ctx.expectFault(S, 'rechercherCreneaux', { ...unknownTicket(ctx), typeRendezVous: 'VISITE', periode: searchWindow(ctx) }, 101);
      check(fault.champ?.includes('typeRendezVous'), `faute 101 sans le champ en cause (attendu : …/typeRendezVous, reçu : ${fault.champ ?? 'aucun'})`);
      return `faute 101 sur ${fault.champ}`;
    },
  },
  {
    id: 'rendezvous.negatif-signalisation',
    domain: 'rendezvous',
    title: 'Cas négatif : signalisation inconnue → faute 310',
    calls: [{ service: S, operation: 'consulterRendezVous', outcome: 'fault:310' }],
    async run(ctx) {
      const fault = await ctx.expectFault(S, 'consulterRendezVous', unknownTicket(ctx), 310);
      return `faute 310 : ${fault.libelle}`;
    },
  },
  {
    id: 'rendezvous.negatif-operateur',
    domain: 'rendezvous',
    title: 'Cas négatif : codeOperateur d’un autre opérateur → faute 201',
    calls: [{ service: S, operation: 'consulterRendezVous', outcome: 'fault:201' }],
    async run(ctx) {
      const other = otherOperatorCode(ctx.options.operatorCode);
      const fault = await ctx.expectFault(S, 'consulterRendezVous', unknownTicket(ctx), 201, { header: { codeOperateur: other } });
      return `faute 201 avec codeOperateur ${other} : ${fault.libelle}`;
    },
  },
];
