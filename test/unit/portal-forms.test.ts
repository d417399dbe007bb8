// The domain and application pieces of the portal's signalisation pages (issue 13): the deposit
// channel rule, where a fault is shown on a form, and the CSV export of closed tickets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { CatalogueError, loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { acceptsChannel } from '../../src/domain/catalogue.js';
import { CSV_BOM, csvCell, toCsv } from '../../src/domain/csv.js';
import { champInputName, DEPOSIT_FORM_INPUTS, inputOfFault } from '../../src/domain/form-errors.js';
import { channelRefused, type Page } from '../../src/application/signalisation.js';
import type { Signalisation } from '../../src/application/signalisation-ports.js';
import {
  CLOSED_EXPORT_HEADERS,
  closedExportFileName,
  closedSignalisationsCsv,
  closedSignalisationsExport,
  spreadsheetDateTime,
} from '../../src/application/signalisation-export.js';
import { thrown } from './_support/soap-messages.js';

const catalogue = loadCatalogue(CATALOG_DIR);

describe('deposit channels from the catalogue', () => {
  test('FTTH offers accept the web services only, the others both channels (seed rule, from canauxSignalisation)', () => {
    const portal = [...catalogue.offers.values()].filter((o) => acceptsChannel(o, 'PORTAIL')).map((o) => o.code);
    const ws = [...catalogue.offers.values()].filter((o) => acceptsChannel(o, 'WS')).map((o) => o.code);
    expect(ws).toEqual([...catalogue.offers.keys()]);
    expect(portal).toEqual([...catalogue.offers.values()].filter((o) => o.technologie !== 'FTTH').map((o) => o.code));
    expect(portal).toContain('CUIVRE_DEGROUPAGE');
    expect(portal).not.toContain('FTTH_PASSIF');
  });

  test('the portal refusal explains that the signalisation is web-services only; the WS wording is unchanged', () => {
    const ftth = catalogue.offers.get('FTTH_PASSIF')!;
    const portal = channelRefused(ftth, 'PORTAIL');
    expect(portal).toMatchObject({ code: 301, champ: 'offre', side: 'Client' });
    expect(portal.libelle).toBe(
      "La signalisation sur l'offre FTTH_PASSIF (Accès FTTH passif (ligne fibre jusqu'au PTO)) se fait uniquement par web services (e-SAV intégré) : elle ne peut pas être déposée sur le portail (e-SAV en ligne)",
    );
    expect(channelRefused(ftth, 'WS').libelle).toBe('Offre FTTH_PASSIF non disponible par web service pour la signalisation');
  });

  test('a channel the gateway does not know is refused in the catalogue with its line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-channels-'));
    try {
      fs.cpSync(CATALOG_DIR, dir, { recursive: true });
      const file = path.join(dir, 'offres', 'LFO.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  - PORTAIL', '  - MINITEL'));
      const error = thrown(() => loadCatalogue(dir));
      expect(error).toBeInstanceOf(CatalogueError);
      expect((error as Error).message).toMatch(/LFO\.yaml:\d+: canal inconnu "MINITEL" \(canaux : WS, PORTAIL\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the input a fault is shown on', () => {
  const inputs = [...DEPOSIT_FORM_INPUTS, champInputName('REF_PTO'), champInputName('ROUTE_OPTIQUE'), 'champs'];

  test.each([
    ['offre', 'offre'],
    ['identifiantPrestation', 'identifiantPrestation'],
    ['formulaire', 'formulaire'],
    ['defautDeclare', 'defautDeclare'],
    ['localisationPresumee', 'localisationPresumee'],
    ['idDemandeTest', 'idDemandeTest'],
    ['champs/champ[code=REF_PTO]', 'champ.REF_PTO'],
    ['champs', 'champs'],
    ['contactSite/telephone', 'contactSite.telephone'],
    // schema checks: from the payload element, with positions
    ['deposerSignalisation/contactSite/telephone', 'contactSite.telephone'],
    ['deposerSignalisation/contactOC/email', 'contactOC.email'],
    ['deposerSignalisation/commentaire', 'commentaire'],
    ['deposerSignalisation/accesSite[1]/horaires', 'accesSite.horaires'],
    ['deposerSignalisation/formulaire/version', 'formulaire'],
  ])('%s → %s', (champ, input) => {
    expect(inputOfFault(champ, { inputs })).toBe(input);
  });

  test('a positional path to a catalogue field is resolved with the fields as sent', () => {
    const champs = [{ code: 'ROUTE_OPTIQUE' }, { code: 'REF_PTO' }];
    expect(inputOfFault('deposerSignalisation/champs/champ[2]/valeur', { inputs, champs })).toBe('champ.REF_PTO');
    expect(inputOfFault('deposerSignalisation/champs/champ[3]/valeur', { inputs, champs })).toBe('champs');
  });

  test('a field the form does not show falls back to the champs group, a path the form does not have to none', () => {
    expect(inputOfFault('champs/champ[code=CHAMP_INCONNU]', { inputs })).toBe('champs');
    expect(inputOfFault('champs/champ[code=CHAMP_INCONNU]', { inputs: DEPOSIT_FORM_INPUTS })).toBeUndefined();
    expect(inputOfFault('referenceSignalisation', { inputs })).toBeUndefined();
    expect(inputOfFault(undefined, { inputs })).toBeUndefined();
    expect(inputOfFault('', { inputs })).toBeUndefined();
  });

  test('without a list of inputs the path itself is the name (other forms: list filters, completion)', () => {
    expect(inputOfFault('periode')).toBe('periode');
    expect(inputOfFault('listerSignalisations/periode/debut')).toBe('periode.debut');
    expect(inputOfFault('completerSignalisation/champs/champ[code=X]')).toBe('champ.X');
    expect(inputOfFault('curseur')).toBe('curseur');
  });
});

describe('CSV for French spreadsheets', () => {
  test('cells: separators, quotes, newlines quoted (RFC 4180); numbers and empty values', () => {
    expect(csvCell('simple')).toBe('simple');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('a,b')).toBe('a,b');
    expect(csvCell('a,b', ',')).toBe('"a,b"');
    expect(csvCell('il a dit "non"')).toBe('"il a dit ""non"""');
    expect(csvCell('ligne 1\nligne 2')).toBe('"ligne 1\nligne 2"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell(true)).toBe('oui');
  });

  test.each(['=HYPERLINK("http://x";"clic")', '+33 1 23', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('formula-like %j is made inert with a leading quote', (value) => {
    const cell = csvCell(value);
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    expect(unquoted).toBe(`'${value}`);
  });

  test('a file: BOM, header line, CRLF after every line, cell count checked', () => {
    const csv = toCsv(['Réf', 'Commentaire'], [['S-1', 'a;b'], ['S-2', null]]);
    expect(csv).toBe(`${CSV_BOM}Réf;Commentaire\r\nS-1;"a;b"\r\nS-2;\r\n`);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(toCsv(['a'], [], { bom: false, separator: ',' })).toBe('a\r\n');
    expect(() => toCsv(['a', 'b'], [['x']])).toThrow(/row 1 has 1 cells, 2 expected/);
  });
});

/** Splits a CSV file into rows of cells, the RFC 4180 way (a reader independent of the writer). */
function parseCsv(text: string, separator = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  expect(cell).toBe('');
  return rows;
}

function closed(id: number, overrides: Partial<Signalisation> = {}): Signalisation {
  return {
    id,
    reference: `SIG-${id}`,
    operatorCode: 'OPA1',
    referenceInterneOC: `OC-${id}`,
    prestationId: '0140000001',
    offerCode: 'CUIVRE_DEGROUPAGE',
    formulaire: { idFormulaire: 'CUIVRE_DEGROUPAGE', version: 1 },
    defautDeclare: 'INTERRUPTION_TOTALE',
    impact: 'TOTAL',
    dateDebutDefaut: null,
    localisationPresumee: null,
    contactSite: { nom: 'Mme Site', telephone: '0140000002' },
    contactOC: { nom: 'M. OC', telephone: '0140000003' },
    accesSite: null,
    commentaire: null,
    champs: [],
    idDemandeTest: null,
    etat: 'CLOS',
    dateEtat: new Date('2026-11-27T14:21:00Z'),
    motif: null,
    attente: null,
    garantieCode: 'GTR_STANDARD',
    echeanceRetablissement: new Date('2026-07-01T08:00:00Z'),
    guaranteeClock: { consumedMs: 0, runningSince: null },
    causeCloture: 'RESOLU',
    dateCloture: new Date('2026-11-27T14:21:00Z'),
    depositedAt: new Date('2026-11-26T09:05:07Z'),
    ...overrides,
  };
}

describe('export of closed signalisations', () => {
  test('French headers, Paris dates a spreadsheet reads, hostile free text kept readable and inert', () => {
    const csv = closedSignalisationsCsv([
      closed(1, { commentaire: '=cmd|\' /C calc\'!A0', motif: 'Réparé; "câble"\nremplacé' }),
      closed(2),
    ]);
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual([...CLOSED_EXPORT_HEADERS]);
    expect(rows).toHaveLength(3);
    const header = (name: (typeof CLOSED_EXPORT_HEADERS)[number]) => CLOSED_EXPORT_HEADERS.indexOf(name);
    expect(rows[1]![header('Commentaire du dépôt')]).toBe("'=cmd|' /C calc'!A0");
    expect(rows[1]![header('Motif')]).toBe('Réparé; "câble"\nremplacé');
    expect(rows[1]![header('Date de clôture')]).toBe('27/11/2026 15:21:00');
    expect(rows[1]![header('Date de dépôt')]).toBe('26/11/2026 10:05:07');
    expect(rows[1]![header('Échéance de rétablissement')]).toBe('01/07/2026 10:00:00'); // summer time
    expect(rows[2]![header('Formulaire')]).toBe('CUIVRE_DEGROUPAGE v1');
    expect(rows[2]![header('Localisation présumée')]).toBe('');
    expect(spreadsheetDateTime(null)).toBe('');
    expect(closedExportFileName('OPA1', new Date('2026-11-27T23:30:00Z'))).toBe('signalisations-closes-OPA1-2026-11-28.csv');
  });

  test('the rows are read through the history use case, page by page over the 90-day window, and written as they come', async () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const all = Array.from({ length: 5 }, (_, i) => closed(i + 1, i === 2 ? { commentaire: '@SUM(A1)' } : {}));
    const asked: Array<{ debut: Date; fin: Date; curseur?: string }> = [];
    const history = async (_caller: { operatorCode: string }, request: { periode: { debut: Date; fin: Date }; curseur?: string }): Promise<Page> => {
      asked.push({ ...request.periode, ...(request.curseur ? { curseur: request.curseur } : {}) });
      const from = Number(request.curseur ?? 0);
      return { signalisations: all.slice(from, from + 2), ...(from + 2 < all.length ? { curseurSuivant: String(from + 2) } : {}) };
    };
    const drain = async (chunks: AsyncIterable<string>) => {
      const parts: string[] = [];
      for await (const chunk of chunks) parts.push(chunk);
      return parts;
    };
    const exported = await closedSignalisationsExport(history, { operatorCode: 'OPA1' }, now);
    // The first page is read before any text is asked for; the others only as the text is read.
    expect(asked).toHaveLength(1);
    const parts = await drain(exported.chunks);
    expect(exported.progress).toEqual({ pages: 3, rows: 5, truncated: false });
    // The same file as the whole-list formatter's, one chunk for the head and one per page.
    expect(parts.join('')).toBe(closedSignalisationsCsv(all));
    expect(parts).toHaveLength(4);
    expect(asked[0]!.debut.toISOString()).toBe('2026-08-28T22:00:00.000Z'); // Paris midnight, 90 days before
    expect(asked[0]!.fin.getTime()).toBeGreaterThan(now.getTime());
    expect(asked.map((a) => a.curseur)).toEqual([undefined, '2', '4']);

    // The cap: within a page (3), at a page's end with more to come (4), exactly everything (5).
    for (const [maxRows, truncated, pages] of [[3, true, 2], [4, true, 2], [5, false, 3]] as const) {
      const cut = await closedSignalisationsExport(history, { operatorCode: 'OPA1' }, now, { maxRows });
      expect((await drain(cut.chunks)).join('')).toBe(closedSignalisationsCsv(all.slice(0, maxRows)));
      expect(cut.progress).toEqual({ pages, rows: maxRows, truncated });
    }

    // A consumer that stops after the first page: no further page is read.
    asked.length = 0;
    const stopped = await closedSignalisationsExport(history, { operatorCode: 'OPA1' }, now);
    await stopped.chunks.next(); // the head
    await stopped.chunks.next(); // page 1
    await stopped.chunks.return();
    expect(asked).toHaveLength(1);
    expect(await stopped.chunks.next()).toEqual({ done: true, value: undefined });
    expect(asked).toHaveLength(1);
  });
});
