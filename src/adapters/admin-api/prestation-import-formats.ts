// The file formats of a prestations import (decision 0017), read as a stream: the request body
// is counted (own size limit), decoded as UTF-8 (invalid bytes refuse the file), then parsed line
// by line — CSV with csv-parse's streaming API, a JSON array with stream-json, NDJSON line by
// line — into RawImportLine values for PrestationImportService. Memory stays bounded by one line
// (and the parsers' own buffers), whatever the size of the file.
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import { IMPORT_COLUMNS, ImportFileRefused, REQUIRED_COLUMNS, type ImportFormat, type RawImportLine } from '../../domain/prestation-import.js';
import type { ImportSource } from '../../application/prestation-imports.js';

/** The longest line (record) accepted, in characters: beyond, the file is refused. */
export const MAX_LINE_CHARS = 64 * 1024;

/** Counts the bytes, refuses the file above `maxBytes`, and decodes UTF-8 strictly. */
class CountingUtf8Decoder extends Transform {
  bytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly maxBytes: number) {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(new ImportFileRefused(`fichier trop volumineux : ${this.maxBytes} octets au plus`));
      return;
    }
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      done(null, text === '' ? undefined : text);
    } catch {
      done(new ImportFileRefused(`fichier illisible : encodage UTF-8 attendu (octet invalide avant l’octet ${this.bytes})`));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const text = this.decoder.decode();
      done(null, text === '' ? undefined : text);
    } catch {
      done(new ImportFileRefused('fichier illisible : encodage UTF-8 attendu (séquence incomplète en fin de fichier)'));
    }
  }
}

/** The lines of a body stream in `format`. Errors of the file are ImportFileRefused. */
export function importSource(body: Readable, format: ImportFormat, maxBytes: number): ImportSource {
  const decoder = new CountingUtf8Decoder(maxBytes);
  body.on('error', (error) => decoder.destroy(error));
  body.pipe(decoder);
  const text = decoder as AsyncIterable<string>;
  const lines = format === 'csv' ? csvLines(text) : format === 'json' ? jsonArrayLines(decoder) : ndjsonLines(text);
  return { lines, bytesRead: () => decoder.bytes };
}

// ---------------------------------------------------------------- CSV

/** `;` or `,`: the one the header line has more of (`;` when equal). */
function delimiterOf(headerLine: string): string {
  const count = (c: string) => headerLine.split(c).length - 1;
  return count(',') > count(';') ? ',' : ';';
}

function checkHeader(cells: string[]): string[] {
  const names = cells.map((c) => c.trim());
  const known = IMPORT_COLUMNS as readonly string[];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new ImportFileRefused(`en-tête : colonne(s) inconnue(s) ${unknown.map((u) => `« ${u} »`).join(', ')} (colonnes : ${IMPORT_COLUMNS.join(', ')})`);
  }
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new ImportFileRefused(`en-tête : colonne ${twice} en double`);
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) throw new ImportFileRefused(`en-tête : colonne(s) obligatoire(s) absente(s) : ${missing.join(', ')}`);
  return names;
}

async function* csvLines(text: AsyncIterable<string>): AsyncGenerator<RawImportLine> {
  const iterator = text[Symbol.asyncIterator]();
  // The header line decides the delimiter: read until its end. Only the header line itself is held
  // to MAX_LINE_CHARS, not the chunk that carries it: a chunk is as large as the stream's buffer
  // (64 KiB by default since Node 22) and may hold the header and many lines after it.
  let head = '';
  for (;;) {
    const end = head.search(/[\r\n]/);
    if ((end < 0 ? head.length : end) > MAX_LINE_CHARS) throw new ImportFileRefused('en-tête illisible : ligne trop longue');
    if (end >= 0) break;
    const next = await iterator.next();
    if (next.done) break;
    head += next.value;
  }
  if (head.trim() === '') throw new ImportFileRefused('fichier vide : en-tête attendu');
  const delimiter = delimiterOf(head.split(/\r?\n|\r/)[0] ?? '');
  const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => iterator };
  const source = Readable.from(
    (async function* () {
      yield head;
      yield* rest;
    })(),
  );
  const parser = parse({
    delimiter,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_LINE_CHARS,
  });
  // pipe() does not pass errors on: the decoder's (bad UTF-8, too large) must end the parser.
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let header: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = checkHeader(record);
        continue;
      }
      const values: Record<string, string> = {};
      header.forEach((name, i) => {
        if (record[i] !== undefined) values[name] = record[i];
      });
      const line: RawImportLine = { line: info.lines, values };
      if (record.length !== header.length) {
        line.malformed = { field: null, reason: `${record.length} colonne(s) au lieu de ${header.length} (celles de l’en-tête)` };
      }
      yield line;
    }
  } catch (error) {
    if (error instanceof ImportFileRefused) throw error;
    const csvError = error as { code?: string; lines?: number; message?: string };
    if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) {
      throw new ImportFileRefused(`CSV illisible${csvError.lines ? ` ligne ${csvError.lines}` : ''} : ${csvError.message ?? csvError.code}`);
    }
    throw error;
  }
  if (!header) throw new ImportFileRefused('fichier vide : en-tête attendu');
}

// ---------------------------------------------------------------- JSON (an array of objects)

async function* jsonArrayLines(text: Readable): AsyncGenerator<RawImportLine> {
  const stream = text.pipe(StreamArray.withParser());
  text.on('error', (error) => stream.destroy(error));
  try {
    for await (const item of stream as AsyncIterable<{ key: number; value: unknown }>) {
      const line = item.key + 1;
      if (typeof item.value !== 'object' || item.value === null || Array.isArray(item.value)) {
        yield { line, values: {}, malformed: { field: null, reason: 'objet JSON attendu' } };
      } else yield { line, values: item.value as Record<string, unknown> };
    }
  } catch (error) {
    if (error instanceof ImportFileRefused) throw error;
    throw new ImportFileRefused(`JSON illisible : un tableau d’objets attendu (${(error as Error).message})`);
  }
}

// ---------------------------------------------------------------- NDJSON (one object per line)

async function* ndjsonLines(text: AsyncIterable<string>): AsyncGenerator<RawImportLine> {
  let pending = '';
  let lineNumber = 0;
  const lineOf = (raw: string): RawImportLine | undefined => {
    lineNumber += 1;
    const trimmed = raw.trim();
    if (trimmed === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { line: lineNumber, values: {}, malformed: { field: null, reason: 'JSON illisible' } };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { line: lineNumber, values: {}, malformed: { field: null, reason: 'objet JSON attendu' } };
    }
    return { line: lineNumber, values: value as Record<string, unknown> };
  };
  for await (const chunk of text) {
    pending += chunk;
    let start = 0;
    let at: number;
    while ((at = pending.indexOf('\n', start)) >= 0) {
      const line = lineOf(pending.slice(start, at));
      start = at + 1;
      if (line) yield line;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_LINE_CHARS) throw new ImportFileRefused(`NDJSON illisible : ligne ${lineNumber + 1} trop longue (${MAX_LINE_CHARS} caractères au plus)`);
  }
  const last = lineOf(pending);
  if (last) yield last;
}
