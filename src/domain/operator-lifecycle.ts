// The operator's life cycle (issue 14, spec §6): ACTIF, SUSPENDU (by support staff, until
// reactivated) or RESILIE (from the termination day on, for good). The contract's termination
// takes two months' notice: the termination day is at the earliest the day the termination was
// notified plus two calendar months. A suspended or terminated operator's certificates and portal
// users stop working; its data stays readable by support staff. Termination is dated in Paris
// days and takes effect at 00:00 Europe/Paris of its day, per the injected clock.
import { addCalendarMonths, isParisDay, parisDayOf, parisDayStart, type ParisDay } from './paris-calendar.js';

export const OPERATOR_STATES = ['ACTIF', 'SUSPENDU', 'RESILIE'] as const;
export type OperatorState = (typeof OPERATOR_STATES)[number];

/** The contract's notice of termination, in calendar months. */
export const TERMINATION_NOTICE_MONTHS = 2;
/** The rule, as support staff and the contract name it. */
export const TERMINATION_NOTICE_RULE = 'préavis de résiliation de deux mois (résiliation au plus tôt deux mois après sa notification)';

export interface OperatorLifecycle {
  suspendedAt: Date | null;
  suspendedBy: string | null;
  suspensionReason: string | null;
  /** The termination day (YYYY-MM-DD, Paris), null when none is recorded. */
  terminationDate: ParisDay | null;
  /** 00:00 Europe/Paris of the termination day. */
  terminationAt: Date | null;
  /** The day the termination was notified: the start of the notice. */
  terminationNotifiedOn: ParisDay | null;
  terminationRecordedBy: string | null;
  terminationReason: string | null;
}

export const ACTIVE_LIFECYCLE: OperatorLifecycle = {
  suspendedAt: null,
  suspendedBy: null,
  suspensionReason: null,
  terminationDate: null,
  terminationAt: null,
  terminationNotifiedOn: null,
  terminationRecordedBy: null,
  terminationReason: null,
};

/** RESILIE once the termination instant is reached; otherwise SUSPENDU while suspended; ACTIF. */
export function operatorState(lifecycle: OperatorLifecycle, now: Date): OperatorState {
  if (lifecycle.terminationAt !== null && lifecycle.terminationAt.getTime() <= now.getTime()) return 'RESILIE';
  if (lifecycle.suspendedAt !== null) return 'SUSPENDU';
  return 'ACTIF';
}

/** Whether the operator's certificates and portal users work at `now`. */
export function operatorMayConnect(lifecycle: OperatorLifecycle, now: Date): boolean {
  return operatorState(lifecycle, now) === 'ACTIF';
}

/** The earliest termination day the notice allows. */
export function earliestTermination(notifiedOn: ParisDay): ParisDay {
  return addCalendarMonths(notifiedOn, TERMINATION_NOTICE_MONTHS);
}

export type TerminationCheck =
  | { ok: true; date: ParisDay; at: Date; notifiedOn: ParisDay }
  | { ok: false; field: 'date' | 'notifieeLe'; rule?: string; message: string };

/**
 * Checks a termination: `date` and `notifiedOn` real days, the notification not in the future,
 * and `date` ≥ notification + two months (the notice rule).
 */
export function checkTermination(date: string, notifiedOn: string | undefined, now: Date): TerminationCheck {
  const today = parisDayOf(now);
  if (!isParisDay(date)) return { ok: false, field: 'date', message: `date : jour AAAA-MM-JJ existant attendu (reçu : ${date})` };
  const notified = notifiedOn ?? today;
  if (!isParisDay(notified)) return { ok: false, field: 'notifieeLe', message: `notifieeLe : jour AAAA-MM-JJ existant attendu (reçu : ${notified})` };
  if (notified > today) return { ok: false, field: 'notifieeLe', message: `notifieeLe : la notification (${notified}) ne peut être postérieure à aujourd’hui (${today})` };
  const earliest = earliestTermination(notified);
  if (date < earliest) {
    return {
      ok: false,
      field: 'date',
      rule: TERMINATION_NOTICE_RULE,
      message: `${TERMINATION_NOTICE_RULE} non respecté : notifiée le ${notified}, la résiliation ne peut prendre effet avant le ${earliest} (demandée : ${date})`,
    };
  }
  return { ok: true, date, at: parisDayStart(date), notifiedOn: notified };
}
