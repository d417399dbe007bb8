// The CSV reader of a prestations import reads the header line whatever the size of the chunks the
// body arrives in: a first chunk of 200 KiB holding the header and thousands of lines is a normal
// file (Node 22+ streams hand 64 KiB chunks, a browser upload through the console may hand more),
// only a header *line* longer than MAX_LINE_CHARS refuses the file.
import { Readable } from 'node:stream';
import { ImportFileRefused } from '../../src/domain/prestation-import.js';
import { importSource, MAX_LINE_CHARS } from '../../src/adapters/admin-api/prestation-import-formats.js';

const HEADER = 'identifiant;operateur;offre;codeInsee;garantie';

function csv(lines: number): string {
  const rows = [HEADER];
  for (let i = 0; i < lines; i++) rows.push(`P${i};OPE1;OFFRE;75056;STANDARD`);
  return `${rows.join('\n')}\n`;
}

async function read(chunks: string[]): Promise<{ count: number; last: Record<string, unknown> | undefined }> {
  const source = importSource(Readable.from(chunks.map((c) => Buffer.from(c))), 'csv', 100 * 1024 * 1024);
  let count = 0;
  let last: Record<string, unknown> | undefined;
  for await (const line of source.lines) {
    count++;
    last = { line: line.line, ...line.values };
  }
  return { count, last };
}

describe('prestations import: the CSV header whatever the chunk sizes', () => {
  test('one chunk far larger than MAX_LINE_CHARS, header included, is read line by line', async () => {
    const text = csv(10_000);
    expect(text.length).toBeGreaterThan(3 * MAX_LINE_CHARS);
    const { count, last } = await read([text]);
    expect(count).toBe(10_000);
    expect(last).toEqual({ line: 10_001, identifiant: 'P9999', operateur: 'OPE1', offre: 'OFFRE', codeInsee: '75056', garantie: 'STANDARD' });
  });

  test('a header split across small chunks is joined', async () => {
    const text = csv(3);
    const { count } = await read(text.match(/[\s\S]{1,5}/g)!);
    expect(count).toBe(3);
  });

  test('a header line longer than MAX_LINE_CHARS refuses the file, in one chunk or many', async () => {
    const long = `${HEADER};${'x'.repeat(MAX_LINE_CHARS)}\nP1;OPE1;OFFRE;75056\n`;
    await expect(read([long])).rejects.toEqual(new ImportFileRefused('en-tête illisible : ligne trop longue'));
    await expect(read(long.match(/[\s\S]{1,4096}/g)!)).rejects.toEqual(new ImportFileRefused('en-tête illisible : ligne trop longue'));
  });
});
