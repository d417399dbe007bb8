// One state change of a signalisation, as every actor makes it (back office, operator, system):
// the domain decides the transition, the guarantee clock follows it, a history row records it.
import type { Catalogue } from '../domain/catalogue.js';
import { deadline, guaranteeOnTransition, type GuaranteeClock } from '../domain/guarantee.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import { isClosed, planTransition, type TransitionRequest } from '../domain/signalisation.js';
import type { Signalisation, SignalisationChange } from './signalisation-ports.js';

export interface GuaranteeContext {
  catalogue: Catalogue;
  calendar: HolidayCalendar;
}

export type GuaranteeState = NonNullable<SignalisationChange['guarantee']>;

/** The guarantee clock of a GTR code, with the deadline it gives (null while paused or unknown GTR). */
export function guaranteeState(garantieCode: string, clock: GuaranteeClock, { catalogue, calendar }: GuaranteeContext): GuaranteeState {
  const guarantee = catalogue.guarantees.get(garantieCode);
  return {
    consumedMs: clock.consumedMs,
    runningSince: clock.runningSince,
    echeance: guarantee ? deadline(clock, guarantee, calendar) : null,
  };
}

/** Plans a transition of `current` (throws TransitionRefused) into the change to write. */
export function transitionChange(current: Signalisation, request: TransitionRequest, at: Date, context: GuaranteeContext): SignalisationChange {
  const planned = planTransition(current, request, at);
  const guarantee = context.catalogue.guarantees.get(current.garantieCode);
  const clock = guarantee
    ? guaranteeOnTransition(current.guaranteeClock, current.etat, planned.etat, at, guarantee, context.calendar)
    : current.guaranteeClock;
  const after = guaranteeState(current.garantieCode, clock, context);
  return {
    state: {
      etat: planned.etat,
      dateEtat: planned.dateEtat,
      motif: planned.motif,
      attente: planned.attente,
      causeCloture: planned.causeCloture,
      dateCloture: planned.dateCloture,
    },
    // A closed ticket keeps the deadline it had (informative); a GELE one has none while paused.
    guarantee: isClosed(planned.etat) ? { ...after, echeance: current.echeanceRetablissement } : after,
    history: { at, from: planned.from, to: planned.etat, actor: request.by, motif: planned.motif },
  };
}
