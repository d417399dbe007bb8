// The portal's export of the operator's closed signalisations of the last 90 days (issue 13) as a
// CSV file for a spreadsheet. The rows come from the same use case as consulterHistorique
// (SignalisationService.history: the caller's own tickets, the 90-day window), read page by page.
import { toCsv, type CsvOptions, type CsvValue } from '../domain/csv.js';
import { parisDayOf, parisWallTime } from '../domain/paris-calendar.js';
import { historyWindowStart } from '../domain/signalisation.js';
import type { Caller, HistoryRequest, Page } from './signalisation.js';
import type { Signalisation } from './signalisation-ports.js';
import { MAX_PAGE_SIZE } from './paging.js';

/** The French headers, in column order. */
export const CLOSED_EXPORT_HEADERS = [
  'Référence signalisation',
  'Référence interne OC',
  'Identifiant prestation',
  'Offre',
  'Formulaire',
  'Défaut déclaré',
  'Impact',
  'Localisation présumée',
  'Date de dépôt',
  'État',
  "Date de l'état",
  'Motif',
  'Garantie',
  'Échéance de rétablissement',
  'Cause de clôture',
  'Date de clôture',
  'Commentaire du dépôt',
] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** Europe/Paris wall time as a French spreadsheet reads a date and time: 27/11/2026 15:21:00. */
export function spreadsheetDateTime(instant: Date | null): string {
  if (!instant) return '';
  const w = parisWallTime(instant);
  return `${pad(w.day)}/${pad(w.month)}/${w.year} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

function rowOf(s: Signalisation): CsvValue[] {
  return [
    s.reference,
    s.referenceInterneOC,
    s.prestationId,
    s.offerCode,
    `${s.formulaire.idFormulaire} v${s.formulaire.version}`,
    s.defautDeclare,
    s.impact,
    s.localisationPresumee,
    spreadsheetDateTime(s.depositedAt),
    s.etat,
    spreadsheetDateTime(s.dateEtat),
    s.motif,
    s.garantieCode,
    spreadsheetDateTime(s.echeanceRetablissement),
    s.causeCloture,
    spreadsheetDateTime(s.dateCloture),
    s.commentaire,
  ];
}

/** The CSV file of closed signalisations (one line each, in the order given). */
export function closedSignalisationsCsv(rows: readonly Signalisation[], options: CsvOptions = {}): string {
  return toCsv(CLOSED_EXPORT_HEADERS, rows.map(rowOf), options);
}

/** The download's file name, e.g. signalisations-closes-OPA1-2026-11-27.csv (Paris day). */
export function closedExportFileName(operatorCode: string, now: Date): string {
  return `signalisations-closes-${operatorCode}-${parisDayOf(now)}.csv`;
}

/** Spreadsheets stop near a million lines; a bigger export is cut and says so. */
export const MAX_EXPORT_ROWS = 100_000;

/**
 * Every closed signalisation of the caller within the 90-day window, most recently closed first,
 * read through the history use case page by page (each page is one history request: the adapter
 * counts them in the HISTORIQUE volumetry). `truncated` when MAX_EXPORT_ROWS was reached.
 */
export async function closedOfHistoryWindow(
  history: (caller: Caller, request: HistoryRequest) => Promise<Page>,
  caller: Caller,
  now: Date,
  maxRows = MAX_EXPORT_ROWS,
): Promise<{ signalisations: Signalisation[]; pages: number; truncated: boolean }> {
  const periode = { debut: historyWindowStart(now), fin: new Date(now.getTime() + 1) };
  const signalisations: Signalisation[] = [];
  let curseur: string | undefined;
  let pages = 0;
  do {
    const page = await history(caller, { periode, taille: MAX_PAGE_SIZE, ...(curseur ? { curseur } : {}) });
    pages++;
    signalisations.push(...page.signalisations);
    curseur = page.curseurSuivant;
  } while (curseur && signalisations.length < maxRows);
  const truncated = signalisations.length > maxRows || (curseur !== undefined && signalisations.length >= maxRows);
  return { signalisations: signalisations.slice(0, maxRows), pages, truncated };
}
