// Public holidays, as the working-time rules see them: a calendar that answers "is this Paris
// calendar day a holiday?". The holidays library stays behind this interface (ADR 0005), so the
// rules and their tests can use a fixed calendar.
import Holidays from 'date-holidays';
import type { ParisDay } from './paris-calendar.js';

export interface HolidayCalendar {
  /** Whether the Europe/Paris calendar day is a holiday. */
  isHoliday(day: ParisDay): boolean;
}

const PARIS_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function yearOf(parisDate: string): number {
  const m = PARIS_DATE.exec(parisDate);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${parisDate}`);
  return Number(m[1]);
}

/** A calendar with exactly the given days (YYYY-MM-DD) as holidays: tests, fixed configurations. */
export function fixedHolidayCalendar(parisDates: Iterable<string>): HolidayCalendar {
  const days = new Set<string>();
  for (const day of parisDates) {
    yearOf(day);
    days.add(day);
  }
  return {
    isHoliday(day: ParisDay): boolean {
      yearOf(day);
      return days.has(day);
    },
  };
}

/** No holidays at all. */
export const NO_HOLIDAYS: HolidayCalendar = fixedHolidayCalendar([]);

let frenchCalendar: HolidayCalendar | undefined;

/**
 * French public holidays (jours fériés) of metropolitan France, from date-holidays (country FR,
 * no state: the Alsace-Moselle days — Good Friday, 26 December — are not included). Only
 * type 'public' is kept: the library also lists observances (Pentecost Sunday, Mothers' Day).
 * Eleven rules a year: 1 Jan, Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 Jul,
 * 15 Aug, 1 Nov, 11 Nov, 25 Dec (fewer distinct days when two coincide, e.g. 1 May 2008).
 * Each year is computed once and kept.
 */
export function frenchPublicHolidays(): HolidayCalendar {
  if (frenchCalendar) return frenchCalendar;
  const library = new Holidays('FR', { types: ['public'] });
  const byYear = new Map<number, ReadonlySet<string>>();
  const daysOf = (year: number): ReadonlySet<string> => {
    let days = byYear.get(year);
    if (!days) {
      // `date` is the local calendar day of the holiday ("2026-07-14 00:00:00"), whatever the
      // process time zone; the type filter is repeated in case the option is ever ignored.
      days = new Set(library.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
      byYear.set(year, days);
    }
    return days;
  };
  frenchCalendar = {
    isHoliday(day: ParisDay): boolean {
      return daysOf(yearOf(day)).has(day);
    },
  };
  return frenchCalendar;
}

let frenchNames: ((year: number) => ReadonlyMap<ParisDay, string>) | undefined;

/** The names of the French public holidays of a year (the days of frenchPublicHolidays), by day. */
export function frenchPublicHolidayNames(year: number): ReadonlyMap<ParisDay, string> {
  if (!frenchNames) {
    const library = new Holidays('FR', { types: ['public'], languages: ['fr'] });
    const byYear = new Map<number, ReadonlyMap<ParisDay, string>>();
    frenchNames = (y) => {
      let names = byYear.get(y);
      if (!names) {
        names = new Map(library.getHolidays(y, 'fr').filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name]));
        byYear.set(y, names);
      }
      return names;
    };
  }
  return frenchNames(year);
}
