// Web-service versions (spec §3): at most two live versions of each web service; an old version
// stays live at least 1 month and at most 6 months after its successor went live; a retired
// version answers fault 400 listing the live ones. Pure: the plan (production and end instants of
// each version) is checked as a whole, and "live at an instant" is read from it.
import { addParisMonths, formatParisDateTime } from './paris-calendar.js';

export interface VersionPlanEntry {
  /** The WSDL service name, e.g. SignalisationService. */
  service: string;
  /** Major version, as in enteteRequete/versionWS ("1", "2"). */
  version: string;
  /** Goes live at this instant. */
  production: Date;
  /** Retired at this instant (absent: no end planned). */
  fin?: Date;
}

export const MAX_LIVE_VERSIONS = 2;
export const MIN_COEXISTENCE_MONTHS = 1;
export const MAX_COEXISTENCE_MONTHS = 6;

/** Live in [production, fin). */
export function isLive(entry: VersionPlanEntry, now: Date): boolean {
  const t = now.getTime();
  return entry.production.getTime() <= t && (entry.fin === undefined || t < entry.fin.getTime());
}

const numeric = (v: string) => Number(v);

/** The entries of one service in production order. */
function byService(entries: readonly VersionPlanEntry[]): Map<string, VersionPlanEntry[]> {
  const services = new Map<string, VersionPlanEntry[]>();
  for (const e of entries) services.set(e.service, [...(services.get(e.service) ?? []), e]);
  for (const list of services.values()) list.sort((a, b) => a.production.getTime() - b.production.getTime() || numeric(a.version) - numeric(b.version));
  return services;
}

/**
 * Everything wrong with a version plan, one clear sentence each (empty when it is valid):
 * versions unique and numeric, end after production, each successor later and numbered higher,
 * an old version retired between 1 and 6 months after its successor's production, and never more
 * than two versions live at once.
 */
export function versionPlanErrors(entries: readonly VersionPlanEntry[], format: (d: Date) => string = formatParisDateTime): string[] {
  const errors: string[] = [];
  for (const [service, list] of byService(entries)) {
    const seen = new Set<string>();
    for (const e of list) {
      if (!/^[1-9][0-9]{0,2}$/.test(e.version)) errors.push(`${service}: version "${e.version}" must be a major version number (1, 2, …)`);
      if (seen.has(e.version)) errors.push(`${service} v${e.version} is configured twice`);
      seen.add(e.version);
      if (e.fin !== undefined && e.fin.getTime() <= e.production.getTime()) {
        errors.push(`${service} v${e.version}: its end (${format(e.fin)}) must come after its production (${format(e.production)})`);
      }
    }
    for (let i = 0; i + 1 < list.length; i++) {
      const old = list[i]!;
      const next = list[i + 1]!;
      if (numeric(next.version) <= numeric(old.version)) {
        errors.push(`${service} v${next.version} goes live after v${old.version} (${format(next.production)}): a successor must have a higher version number`);
        continue;
      }
      if (next.production.getTime() === old.production.getTime()) {
        errors.push(`${service} v${old.version} and v${next.version} go live at the same instant (${format(old.production)})`);
        continue;
      }
      const earliest = addParisMonths(next.production, MIN_COEXISTENCE_MONTHS);
      const latest = addParisMonths(next.production, MAX_COEXISTENCE_MONTHS);
      const window = `between ${format(earliest)} and ${format(latest)}`;
      if (old.fin === undefined) {
        errors.push(
          `${service} v${old.version} has no end date although v${next.version} succeeds it on ${format(next.production)}: an old version stays live at most ${MAX_COEXISTENCE_MONTHS} months after its successor — set its end ${window}`,
        );
      } else if (old.fin.getTime() > latest.getTime()) {
        errors.push(
          `${service} v${old.version} would stay live until ${format(old.fin)}, more than ${MAX_COEXISTENCE_MONTHS} months after v${next.version} went live (${format(next.production)}): retire it ${window}`,
        );
      } else if (old.fin.getTime() < earliest.getTime()) {
        errors.push(
          `${service} v${old.version} would be retired on ${format(old.fin)}, less than ${MIN_COEXISTENCE_MONTHS} month after v${next.version} went live (${format(next.production)}): retire it ${window}`,
        );
      }
    }
    // Live sets change only when a version goes live: check each production instant.
    for (const e of list) {
      const live = list.filter((other) => isLive(other, e.production));
      if (live.length > MAX_LIVE_VERSIONS) {
        errors.push(
          `${service}: at most ${MAX_LIVE_VERSIONS} live versions, but ${live.map((l) => `v${l.version}`).join(', ')} would all be live on ${format(e.production)}`,
        );
        break;
      }
    }
  }
  return errors;
}

/** The versions of a service live at `now`, lowest first. */
export function liveVersionsAt(entries: readonly VersionPlanEntry[], service: string, now: Date): VersionPlanEntry[] {
  return entries.filter((e) => e.service === service && isLive(e, now)).sort((a, b) => numeric(a.version) - numeric(b.version));
}
