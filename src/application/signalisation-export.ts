// The portal's export of the operator's closed signalisations of the last 90 days (issue 13) as a
// CSV file for a spreadsheet. The rows come from the same use case as consulterHistorique
// (SignalisationService.history: the caller's own tickets, the 90-day window), read page by page
// and written page by page: the export never holds more than one page (200 tickets) whatever its
// size (docs/benchmarks.md measures the memory of both ways).
import { CSV_SEPARATOR_FR, csvHead, csvLine, toCsv, type CsvOptions, type CsvValue } from '../domain/csv.js';
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

/**
 * The CSV file of closed signalisations (one line each, in the order given), whole: what the
 * streamed export below writes chunk by chunk — the tests hold the one to the other.
 */
export function closedSignalisationsCsv(rows: readonly Signalisation[], options: CsvOptions = {}): string {
  return toCsv(CLOSED_EXPORT_HEADERS, rows.map(rowOf), options);
}

/** The download's file name, e.g. signalisations-closes-OPA1-2026-11-27.csv (Paris day). */
export function closedExportFileName(operatorCode: string, now: Date): string {
  return `signalisations-closes-${operatorCode}-${parisDayOf(now)}.csv`;
}

/** Spreadsheets stop near a million lines; a bigger export is cut and says so. */
export const MAX_EXPORT_ROWS = 100_000;

/** Where an export stands: pages read, lines written, and whether MAX_EXPORT_ROWS cut it. */
export interface ExportProgress {
  pages: number;
  rows: number;
  truncated: boolean;
}

export interface ClosedExport {
  /** The file's text, the BOM and header line first, then one chunk per page read. */
  chunks: AsyncGenerator<string, void, undefined>;
  /** Updated as the chunks are read. */
  progress: ExportProgress;
}

/**
 * Every closed signalisation of the caller within the 90-day window, most recently closed first,
 * as CSV text read through the history use case page by page (keyset: each page is one history
 * request, which the adapter counts in the HISTORIQUE volumetry and rate-limits). The first page
 * is read before this resolves, so a refusal (rate limit, fault) comes before any byte is sent;
 * each further page is read only when the consumer asks for more text — a consumer that stops
 * (the client went away: the stream is destroyed, the generator returned) stops the reading.
 * At most `maxRows` lines; `progress.truncated` when more were there.
 */
export async function closedSignalisationsExport(
  history: (caller: Caller, request: HistoryRequest) => Promise<Page>,
  caller: Caller,
  now: Date,
  options: { maxRows?: number; csv?: CsvOptions } = {},
): Promise<ClosedExport> {
  const maxRows = options.maxRows ?? MAX_EXPORT_ROWS;
  const separator = options.csv?.separator ?? CSV_SEPARATOR_FR;
  const periode = { debut: historyWindowStart(now), fin: new Date(now.getTime() + 1) };
  const read = (curseur?: string) => history(caller, { periode, taille: MAX_PAGE_SIZE, ...(curseur ? { curseur } : {}) });
  const progress: ExportProgress = { pages: 1, rows: 0, truncated: false };
  let page = await read();
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    yield csvHead(CLOSED_EXPORT_HEADERS, options.csv);
    for (;;) {
      const room = maxRows - progress.rows;
      const rows = page.signalisations.slice(0, room);
      progress.rows += rows.length;
      if (page.signalisations.length > room || (progress.rows >= maxRows && page.curseurSuivant !== undefined)) {
        progress.truncated = true;
      }
      if (rows.length > 0) yield rows.map((s) => csvLine(rowOf(s), separator)).join('');
      if (progress.truncated || page.curseurSuivant === undefined) return;
      page = await read(page.curseurSuivant);
      progress.pages++;
    }
  }
  return { chunks: chunks(), progress };
}
