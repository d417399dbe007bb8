// CSV files for people who open them in a spreadsheet (the portal's exports, issue 13): RFC 4180
// quoting and CRLF line ends, UTF-8 with a byte order mark, ';' between cells, and cells that a
// spreadsheet would run as a formula made inert. Pure.
//
// Why ';': the portal's users are in France, where Excel and LibreOffice use the comma as the
// decimal mark and therefore ';' as the list separator: a ';' file opens in columns with a
// double-click, a ',' file opens as one column. RFC 4180 names the comma, but its quoting rules
// apply to any separator; the separator is an option for a tool that wants ','.
// Why the BOM: without it Excel reads the file as Windows-1252 and mangles every accented letter.

export const CSV_BOM = '\uFEFF';
export const CSV_SEPARATOR_FR = ';';

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvOptions {
  /** ';' by default (French spreadsheets), ',' for RFC 4180's own. */
  separator?: ';' | ',';
  /** true by default: the UTF-8 byte order mark Excel needs to read UTF-8. */
  bom?: boolean;
}

/**
 * A text cell that starts with = + - @ (or a tab or carriage return, which some spreadsheets skip
 * before reading a formula) is a formula to a spreadsheet: "=HYPERLINK(…)" typed by anyone into a
 * comment would run on the reader's machine (CSV injection). Such a cell is prefixed with ' —
 * shown as text, the visible value otherwise unchanged. Numbers are written as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvValue, separator: ';' | ',' = CSV_SEPARATOR_FR): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  // RFC 4180 §2.6-2.7: a field holding the separator, a quote, CR or LF is quoted, quotes doubled.
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line: the cells, each quoted and guarded as csvCell says, joined by the separator, ended by CRLF (RFC 4180 §2.1). */
export function csvLine(cells: readonly CsvValue[], separator: ';' | ',' = CSV_SEPARATOR_FR): string {
  return `${cells.map((c) => csvCell(c, separator)).join(separator)}\r\n`;
}

/** The start of a file: the byte order mark (unless `bom: false`) and the header line. */
export function csvHead(headers: readonly string[], options: CsvOptions = {}): string {
  return (options.bom === false ? '' : CSV_BOM) + csvLine(headers, options.separator ?? CSV_SEPARATOR_FR);
}

/** A whole file: a header line, then one line per row, every line ended by CRLF (RFC 4180 §2.1). */
export function toCsv(headers: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>, options: CsvOptions = {}): string {
  const separator = options.separator ?? CSV_SEPARATOR_FR;
  for (const [i, row] of rows.entries()) {
    if (row.length !== headers.length) throw new Error(`CSV row ${i + 1} has ${row.length} cells, ${headers.length} expected`);
  }
  return csvHead(headers, options) + rows.map((row) => csvLine(row, separator)).join('');
}
