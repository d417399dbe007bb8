// Prestations bulk import (issue 14, decision 0017) through the admin API of a real gateway on
// real PostgreSQL: a generated 100 000-line CSV with every kind of refused line gives the exact
// report; a re-import changes nothing; a simulation writes nothing; a file refused as a whole
// leaves the data untouched; JSON and NDJSON; progress readable while the file is uploading;
// termination keeps the tickets and refuses new deposits (fault 300).
import { randomUUID } from 'node:crypto';
import { parisDayOf } from '../../src/domain/paris-calendar.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { soapFault } from '../support/faults.js';
import { waitFor } from '../support/line-tests.js';
import { describeWithPostgres } from '../support/postgres.js';
import { generateImportFile, HEADER, type ExpectedReject, type GeneratedFile } from '../support/prestation-files.js';

const describeDb = await describeWithPostgres();
const AGENT = 'Alice Martin (support N2)';
const OTHER_IDS = Array.from({ length: 3000 }, (_, i) => `OTHER-${i}`);

describeDb('prestations import (admin API, real PostgreSQL)', () => {
  let t: TestGateway;
  let big: GeneratedFile;

  async function upload(body: string | Buffer | ReadableStream<Uint8Array>, query: string, contentType = 'text/csv'): Promise<{ status: number; body: any }> {
    const response = await fetch(`${t.adminUrl}/admin/prestations/imports?agent=${encodeURIComponent(AGENT)}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': contentType },
      body,
      duplex: 'half',
    } as RequestInit);
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) };
  }

  async function allRejects(id: string): Promise<ExpectedReject[]> {
    const all: ExpectedReject[] = [];
    let after = 0;
    for (;;) {
      const page = await t.admin('GET', `/admin/prestations/imports/${id}/rejets?apres=${after}&limite=1000`);
      expect(page.status).toBe(200);
      all.push(...page.body.rejets);
      if (page.body.suivant === null) return all;
      after = page.body.suivant;
    }
  }

  const prestationCount = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM prestations'))[0]!.n;
  const snapshot = async () =>
    (await t.db.query<{ digest: string }>(`SELECT md5(string_agg(p::text, ',' ORDER BY identifiant)) AS digest FROM prestations p`))[0]!.digest;

  beforeAll(async () => {
    t = await startTestGateway({ env: { ESAV_IMPORT_PROGRESS_LINES: '1000' } });
    // Prestations of OPB2 that the big file names for OPA1 (refused: another operator's).
    const others = [HEADER, ...OTHER_IDS.map((id) => `${id};OPB2;FTTH_PASSIF;75056;;;GTR_STANDARD;;`)].join('\n');
    const setup = await upload(others, '');
    expect(setup.body).toMatchObject({ etat: 'DONE', lignesLues: 3000, lignesAcceptees: 3000, creees: 3000, lignesRefusees: 0 });
    big = generateImportFile(100_000, 14, OTHER_IDS);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  }, 120_000);

  test('a 100 000-line file: the exact report, the good lines imported, the refused ones listed with line and reason', async () => {
    const before = await prestationCount();
    const id = randomUUID();
    const result = await upload(big.csv, `&id=${id}`);
    expect(result.status).toBe(200);
    const refused = big.rejects.length;
    expect(result.body).toMatchObject({
      id,
      etat: 'DONE',
      simulation: false,
      format: 'csv',
      agent: AGENT,
      lignesLues: 100_000,
      lignesRefusees: refused,
      lignesAcceptees: 100_000 - refused,
      creees: 100_000 - refused,
      modifiees: 0,
      inchangees: 0,
      octetsLus: Buffer.byteLength(big.csv),
      motif: null,
    });
    // Every kind of refusal is in the file.
    const reasons = new Set(big.rejects.map((r) => r.motif.replace(/[0-9]+/g, 'N')));
    expect(reasons.size).toBeGreaterThanOrEqual(12);
    expect(await allRejects(id)).toEqual(big.rejects);
    expect(await prestationCount()).toBe(before + 100_000 - refused);
    expect(big.accepted.size).toBe(100_000 - refused);

    // An imported line in the JSON form of the lists (Corsican commune).
    const csvLines = big.csv.split('\n');
    const jsonFormLine = csvLines.findIndex((l, i) => l.split(';')[4]?.startsWith('"[') && big.accepted.get(l.split(';')[0]!) === i + 1);
    const jsonFormId = csvLines[jsonFormLine]!.split(';')[0]!;
    const n = Number(jsonFormId.slice(4));
    const shown = await t.admin('GET', `/admin/prestations/${jsonFormId}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      identifiant: jsonFormId,
      codeInsee: '2A004',
      extremites: [{ type: 'PTO', reference: `PTO-${n}` }],
      informations: [{ code: 'PBO', valeur: `PBO;${n}` }],
      enService: true,
      signalisations: 0,
    });
    const first = await t.admin('GET', '/admin/prestations/IMP-000000');
    if (big.accepted.has('IMP-000000')) {
      expect(first.body.extremites).toEqual([
        { type: 'PTO', reference: 'PTO-0' },
        { type: 'PM', reference: 'PM-0' },
      ]);
    }
    const listed = await t.admin('GET', '/admin/prestations/imports?limite=5');
    expect(listed.body.imports[0]).toMatchObject({ id, etat: 'DONE' });
    const audit = await t.db.query<{ details: any }>(`SELECT details FROM audit_log WHERE action = 'PRESTATIONS_IMPORTEES' AND details->>'import' = $1`, [id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ lues: 100_000, refusees: refused, creees: 100_000 - refused });

    // The same file again: nothing changes, every accepted line is reported unchanged.
    const digest = await snapshot();
    const again = await upload(big.csv, '');
    expect(again.body).toMatchObject({ etat: 'DONE', lignesLues: 100_000, lignesRefusees: refused, creees: 0, modifiees: 0, inchangees: 100_000 - refused });
    expect(await allRejects(again.body.id)).toEqual(big.rejects);
    expect(await snapshot()).toBe(digest);

    // A simulation of a changed file reports the changes and writes nothing but its report.
    let changedLines = 0;
    const changed = csvLines
      .map((l, i) => {
        const cells = l.split(';');
        if (!/^IMP-0000[0-9][0-9]$/.test(cells[0]!) || big.accepted.get(cells[0]!) !== i + 1 || cells[4]!.startsWith('"')) return l;
        changedLines += 1;
        cells[8] = '2030-01-01';
        return cells.join(';');
      })
      .join('\n');
    expect(changedLines).toBeGreaterThan(0);
    const dry = await upload(changed, '&simulation=true');
    expect(dry.body).toMatchObject({ etat: 'DRY_RUN', simulation: true, lignesRefusees: refused, creees: 0, modifiees: changedLines, inchangees: 100_000 - refused - changedLines });
    expect(await snapshot()).toBe(digest);
    expect((await allRejects(dry.body.id)).length).toBe(refused);

    // The file refused as a whole: nothing written, whatever the reason. The first 20 000 lines of
    // the changed file (ten import batches, its changed lines among them) are enough to show that
    // batches already read are not kept when the end of the file is bad; the threshold case reads
    // the whole file, as its report counts every refused line.
    const slice = `${csvLines.slice(0, 20_001).join('\n')}\n`;
    const changedSlice = `${changed.split('\n').slice(0, 20_001).join('\n')}\n`;
    expect(changedSlice).not.toBe(slice);
    const refusedWhole: Array<[string, string | Buffer, string, RegExp]> = [
      ['unknown column', changedSlice.replace('garantie;', 'gtr;'), '', /en-tête : colonne\(s\) inconnue\(s\) « gtr »/],
      ['missing column', changedSlice.replace(';offre;', ';'), '', /en-tête : colonne\(s\) obligatoire\(s\) absente\(s\) : offre/],
      ['invalid UTF-8 near the end', Buffer.concat([Buffer.from(changedSlice), Buffer.from([0x49, 0x4d, 0x50, 0xff, 0x3b, 0x0a])]), '', /encodage UTF-8 attendu/],
      ['unreadable CSV', `${changedSlice}"IMP-X;OPA1;FTTH_PASSIF\n`, '', /CSV illisible/],
      ['over the refusal threshold', changed, '&maxRejets=10', new RegExp(`${refused} ligne\\(s\\) refusée\\(s\\), au-delà du seuil de 10`)],
      ['empty file', '', '', /fichier vide/],
    ];
    for (const [what, body, query, reason] of refusedWhole) {
      const answer = await upload(body, query);
      expect({ what, etat: answer.body.etat }).toEqual({ what, etat: 'REFUSED' });
      expect(answer.body.motif).toMatch(reason);
      expect(answer.body).toMatchObject({ creees: 0, modifiees: 0, inchangees: 0 });
      expect(await snapshot()).toBe(digest);
    }
    // The threshold's refusal keeps its report of refused lines (to fix the file).
    const threshold = (await t.admin('GET', '/admin/prestations/imports?limite=2')).body.imports[1];
    expect(threshold.seuilRejets).toBe(10);
    expect((await allRejects(threshold.id)).length).toBe(refused);
  }, 600_000);

  test('JSON array and NDJSON imports: same rules, line = element or line number', async () => {
    const objects = [
      { identifiant: 'JSON-1', operateur: 'OPA1', offre: 'FTTH_PASSIF', codeInsee: '75056', garantie: 'GTR_4HO', extremites: [{ type: 'PTO', reference: 'PTO-J1' }], informations: [{ code: 'PBO', valeur: 'PBO-J1' }], dateActivation: '2025-03-01' },
      { identifiant: 'JSON-2', operateur: '20000000800017', offre: 'LFO', codeInsee: '2B033', garantie: 'GTR_10HO' },
      { identifiant: 'JSON-3', operateur: 'OPA1', offre: 'FTTH_PASSIF', codeInsee: '2C001', garantie: 'GTR_4HO' },
      { identifiant: 'JSON-4', operateur: 'OPA1', offre: 'FTTH_PASSIF', garantie: 'GTR_4HO', couleur: 'bleu' },
      'pas un objet',
      { identifiant: 'JSON-6', operateur: 'OPA1', offre: 'FTTH_PASSIF', garantie: 'GTR_4HO', extremites: 'PTO:PTO-6' },
    ];
    const json = await upload(JSON.stringify(objects, null, 1), '', 'application/json');
    expect(json.body).toMatchObject({ etat: 'DONE', format: 'json', lignesLues: 6, lignesAcceptees: 3, lignesRefusees: 3, creees: 3 });
    expect(await allRejects(json.body.id)).toEqual([
      { ligne: 3, identifiant: 'JSON-3', champ: 'codeInsee', motif: 'code INSEE invalide « 2C001 » (5 caractères, 2A/2B pour la Corse)' },
      { ligne: 4, identifiant: 'JSON-4', champ: 'couleur', motif: expect.stringMatching(/^champ inconnu/) },
      { ligne: 5, identifiant: null, champ: null, motif: 'objet JSON attendu' },
    ]);
    expect((await t.admin('GET', '/admin/prestations/JSON-2')).body).toMatchObject({ operateur: 'OPB2', offre: 'LFO', codeInsee: '2B033', dateActivation: null });
    expect((await t.admin('GET', '/admin/prestations/JSON-1')).body).toMatchObject({ dateActivation: '2025-03-01', informations: [{ code: 'PBO', valeur: 'PBO-J1' }] });

    const ndjson = `${JSON.stringify({ ...(objects[0] as object), garantie: 'GTR_STANDARD' })}\n\n{not json}\n${JSON.stringify(objects[1])}\n`;
    const nd = await upload(ndjson, '', 'application/x-ndjson');
    expect(nd.body).toMatchObject({ etat: 'DONE', format: 'ndjson', lignesLues: 3, lignesRefusees: 1, modifiees: 1, inchangees: 1 });
    expect(await allRejects(nd.body.id)).toEqual([{ ligne: 3, identifiant: null, champ: null, motif: 'JSON illisible' }]);

    const notAnArray = await upload('{"identifiant": "X"}', '', 'application/json');
    expect(notAnArray.body).toMatchObject({ etat: 'REFUSED', motif: expect.stringMatching(/JSON illisible/) });
  }, 60_000);

  test('progress is readable from the import row while the file is still uploading', async () => {
    const file = generateImportFile(6000, 99);
    const text = file.csv.replaceAll('IMP-', 'PRG-');
    const cut = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
    const encoder = new TextEncoder();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(text.slice(0, cut)));
        await released;
        controller.enqueue(encoder.encode(text.slice(cut)));
        controller.close();
      },
    });
    const id = randomUUID();
    const done = upload(body, `&id=${id}`);
    const running = await waitFor('progress', async () => {
      const seen = await t.admin('GET', `/admin/prestations/imports/${id}`);
      return seen.status === 200 && seen.body.lignesLues >= 2000 ? seen.body : undefined;
    });
    expect(running).toMatchObject({ etat: 'RUNNING', fin: null });
    expect(running.octetsLus).toBeGreaterThan(0);
    expect(running.lignesLues).toBeLessThan(6000);
    release();
    const result = await done;
    expect(result.body).toMatchObject({ id, etat: 'DONE', lignesLues: 6000, lignesRefusees: file.rejects.length });
    // A second import with the same id is refused.
    const twice = await upload(`${HEADER}\n`, `&id=${id}`);
    expect(twice.status).toBe(409);
  }, 60_000);

  test('bad requests: unknown import 404, bad content type 415, agent required 400', async () => {
    expect((await t.admin('GET', `/admin/prestations/imports/${randomUUID()}`)).status).toBe(404);
    expect((await t.admin('GET', '/admin/prestations/INCONNUE-1')).status).toBe(404);
    const noAgent = await fetch(`${t.adminUrl}/admin/prestations/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'text/csv' },
      body: `${HEADER}\n`,
    });
    expect(noAgent.status).toBe(400);
    expect(await noAgent.json()).toEqual({ erreur: 'requête invalide : paramètre : champ agent obligatoire' });
    const xml = await upload('<x/>', '', 'application/xml');
    expect(xml.status).toBe(415);
  });

  test('termination: no deposit from that day on (fault 300), the tickets stay readable and followable', async () => {
    const client = await t.soapClient('OPA1');
    client.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await client.deposerSignalisationAsync(depositArgs());
    const reference = ack.referenceSignalisation as string;
    const today = parisDayOf(t.clock.now());
    const badDate = await t.admin('POST', '/admin/prestations/FI-1000-0001/resiliation', { agent: AGENT, date: '2026-13-01' });
    expect(badDate.status).toBe(400);
    const terminated = await t.admin('POST', '/admin/prestations/FI-1000-0001/resiliation', { agent: AGENT, date: today });
    expect(terminated.status).toBe(200);
    expect(terminated.body).toMatchObject({ identifiant: 'FI-1000-0001', dateResiliation: today, enService: false, signalisations: 1 });
    const fault = await soapFault(client.deposerSignalisationAsync(depositArgs()));
    expect(fault).toMatchObject({ code: 300, champ: 'identifiantPrestation' });
    // The same answer as for a prestation that does not exist.
    const unknown = await soapFault(client.deposerSignalisationAsync(depositArgs({ identifiantPrestation: 'FI-0000-0000' })));
    expect(unknown.libelle.replace('FI-0000-0000', 'X')).toBe(fault.libelle.replace('FI-1000-0001', 'X'));
    const [detail] = await client.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    expect(JSON.stringify(detail)).toContain(reference);
    const moved = await t.admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: 'Support test', etat: 'EN_QUALIFICATION' });
    expect(moved.status).toBe(200);
    const audit = await t.db.query<{ actor: string; operator_code: string }>(`SELECT actor, operator_code FROM audit_log WHERE action = 'PRESTATION_RESILIEE'`);
    expect(audit).toEqual([{ actor: AGENT, operator_code: 'OPA1' }]);
  }, 60_000);
});

// The embedded PGlite (one session): the import's reads and writes all go through its transaction.
describe('prestations import on the embedded PGlite', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ embedded: true });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  test('a small file is imported, re-imported unchanged, its refused line listed', async () => {
    const csv = `${HEADER}\nEMB-1;OPA1;FTTH_PASSIF;75056;PTO:PTO-E1;PBO=PBO-E1;GTR_4HO;2025-01-01;\nEMB-2;OPB2;LFO;2B033;;;GTR_10HO;;\nEMB-3;OPA1;FTTH_PASSIF;75056;;;GTR_4H_24x7;;\n`;
    const post = async () => {
      const response = await fetch(`${t.adminUrl}/admin/prestations/imports?agent=${encodeURIComponent(AGENT)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'text/csv' },
        body: csv,
      });
      return response.json() as Promise<any>;
    };
    expect(await post()).toMatchObject({ etat: 'DONE', lignesLues: 3, lignesRefusees: 1, creees: 2 });
    const again = await post();
    expect(again).toMatchObject({ etat: 'DONE', creees: 0, modifiees: 0, inchangees: 2 });
    const rejects = await t.admin('GET', `/admin/prestations/imports/${again.id}/rejets`);
    expect(rejects.body.rejets).toEqual([
      { ligne: 4, identifiant: 'EMB-3', champ: 'garantie', motif: 'garantie GTR_4H_24x7 non proposée pour l’offre FTTH_PASSIF (GTR_STANDARD, GTR_10HO, GTR_4HO)' },
    ]);
    expect((await t.admin('GET', '/admin/prestations/EMB-2')).body).toMatchObject({ operateur: 'OPB2', codeInsee: '2B033', enService: true });
  }, 60_000);
});
