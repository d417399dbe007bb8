// Rate limiting (spec §3): under overload the provider may set a per-operator limit of requests
// per minute, announced the day before; above it, fault 401 with reessayerApres. Pure.
//
// A limit is a row (operator, requests per minute or none, effective from): the one with the
// latest effectiveFrom <= now is in force, so support staff plan a limit and its lifting ahead.
// Minutes are fixed UTC minutes (also Paris minutes: the offsets are whole hours).
import { EsavFault } from './faults.js';

export interface RateLimit {
  operatorCode: string;
  /** null: no limit from effectiveFrom on (the limit is lifted). */
  requestsPerMinute: number | null;
  effectiveFrom: Date;
  motif: string | null;
  createdAt: Date;
}

const MINUTE_MS = 60_000;
/** A limit is announced the day before: less notice than this gets a warning. */
export const RATE_LIMIT_NOTICE_MS = 24 * 3600_000;

/** The limit in force at `now` among one operator's limits (any order), or null when none. */
export function limitInForce(limits: readonly RateLimit[], now: Date): RateLimit | null {
  const t = now.getTime();
  let current: RateLimit | null = null;
  for (const l of limits) {
    if (l.effectiveFrom.getTime() <= t && (current === null || l.effectiveFrom.getTime() > current.effectiveFrom.getTime())) current = l;
  }
  return current && current.requestsPerMinute !== null ? current : null;
}

/** The start of the minute of `now`: the counter's key. */
export function minuteOf(now: Date): Date {
  return new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** Seconds until the next minute starts, rounded up (1 to 60). */
export function secondsToNextMinute(now: Date): number {
  const next = minuteOf(now).getTime() + MINUTE_MS;
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

export function rateLimitFault(limit: number, now: Date): EsavFault {
  return new EsavFault(401, `Débit supérieur à la limite de l'opérateur (${limit} requêtes par minute)`, {
    reessayerApres: secondsToNextMinute(now),
  });
}

/** The warning given to support staff when a limit takes effect less than a day after it is set. */
export function noticeWarning(now: Date, effectiveFrom: Date): string | undefined {
  const ahead = effectiveFrom.getTime() - now.getTime();
  if (ahead >= RATE_LIMIT_NOTICE_MS) return undefined;
  const hours = Math.max(0, Math.floor(ahead / 3600_000));
  const minutes = Math.max(0, Math.floor((ahead % 3600_000) / 60_000));
  return `attention : la limite prend effet dans ${hours} h ${String(minutes).padStart(2, '0')} min, moins d’un jour après son annonce (préavis attendu : la veille)`;
}
