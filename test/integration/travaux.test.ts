// Planned works and network incidents: published by the back office (admin API, and the command
// line run in-process), linked to the prestations by PM / PBO / NRA / zone, read by operators with
// consulterTravauxIncidents by prestation and by period; visible 8 days after their closure.
import { SettableClock } from '../../src/domain/clock.js';
import { runCli } from '../../src/admin-cli/cli.js';
import { soapFault } from '../support/faults.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { enteteTest, FAST_TESTS_ENV } from '../support/line-tests.js';
import { describeWithPostgres } from '../support/postgres.js';
import type soap from 'soap';

const describeDb = await describeWithPostgres();
const DAY = 24 * 3600_000;
const T0 = new Date('2026-03-02T10:00:00+01:00');

const refs = (list: any): string[] => [list ?? []].flat().map((x: any) => x.reference);
const travauxOf = (r: any) => refs(r.travauxProgrammes?.travaux);
const incidentsOf = (r: any) => refs(r.incidents?.incident);

describeDb('planned works and incidents', () => {
  let t: TestGateway;
  let opa: soap.Client;
  let opb: soap.Client;
  const clock = new SettableClock(T0);

  /** The back-office command line, in this process, against the gateway's admin API. */
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(['--url', t.adminUrl, '--token', t.adminToken, ...args], {
      env: {},
      out: (s) => (out += `${s}\n`),
      err: (s) => (err += `${s}\n`),
    });
    return { code, out, err };
  }

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: FAST_TESTS_ENV });
    opa = await t.soapClient('OPA1', '/ws/v1/test');
    opa.addSoapHeader(enteteTest('OPA1'));
    opb = await t.soapClient('OPB2', '/ws/v1/test');
    opb.addSoapHeader(enteteTest('OPB2'));
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set(T0));

  test('by prestation: the works on its PM (the closed one still visible), the incident on its PBO, the works on its NRA', async () => {
    const [pm] = await opa.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-1000-0001' });
    expect(travauxOf(pm)).toEqual(['TP-75056-0042-00', 'TP-75056-0042-01']);
    expect(incidentsOf(pm)).toEqual([]);
    const planned = [pm.travauxProgrammes.travaux].flat().find((x: any) => x.reference === 'TP-75056-0042-01');
    expect(planned).toMatchObject({ etat: 'NOUVEAU', equipement: 'PM', interventionRequiseOC: false });
    expect([planned.prestationsImpactees.identifiantPrestation].flat()).toEqual(['FI-1000-0001']);
    const closed = [pm.travauxProgrammes.travaux].flat().find((x: any) => x.reference === 'TP-75056-0042-00');
    expect(closed.etat).toBe('CLOTURE');
    expect(closed.dateCloture).toBeDefined();

    const [pbo] = await opa.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-1000-0004' });
    expect(travauxOf(pbo)).toEqual([]);
    expect(incidentsOf(pbo)).toEqual(['DERCO-75056-0063-01']);

    const [nra] = await opa.consulterTravauxIncidentsAsync({ identifiantPrestation: 'DSL-1000-0001' });
    expect(travauxOf(nra)).toEqual(['TP-NRA-75109-01']);

    expect((await soapFault(opa.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-2000-0002' }))).code).toBe(300);
  });

  test('by period: the works overlapping it on any of the caller’s prestations, never another operator’s', async () => {
    const periode = (fromDays: number, toDays: number) => ({
      periode: { debut: new Date(T0.getTime() + fromDays * DAY).toISOString(), fin: new Date(T0.getTime() + toDays * DAY).toISOString() },
    });
    const [week] = await opa.consulterTravauxIncidentsAsync(periode(0, 8));
    expect(travauxOf(week)).toEqual(['TP-75056-0042-01', 'TP-NRA-75109-01']);
    expect(incidentsOf(week)).toEqual(['DERCO-75056-0063-01']); // open-ended: still running
    const nra = [week.travauxProgrammes.travaux].flat().find((x: any) => x.reference === 'TP-NRA-75109-01');
    expect([nra.prestationsImpactees.identifiantPrestation].flat()).toEqual(['0140000001', 'DSL-1000-0001', 'DSL-1000-0002']);

    const [past] = await opa.consulterTravauxIncidentsAsync(periode(-4, -2));
    expect(travauxOf(past)).toEqual(['TP-75056-0042-00']);

    const [opbWeek] = await opb.consulterTravauxIncidentsAsync(periode(0, 8));
    expect(travauxOf(opbWeek)).toEqual(['TP-69123-0007-01']);
    expect(incidentsOf(opbWeek)).toEqual([]);

    const reversed = await soapFault(opa.consulterTravauxIncidentsAsync(periode(2, 1)));
    expect(reversed).toMatchObject({ code: 101, champ: 'periode' });
  });

  test('closed works stay visible 8 days after their closure, not longer', async () => {
    // TP-75056-0042-00 was closed 2 days before T0.
    clock.set(new Date(T0.getTime() + 6 * DAY - 60_000));
    expect(travauxOf((await opa.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-1000-0001' }))[0])).toContain('TP-75056-0042-00');
    clock.set(new Date(T0.getTime() + 6 * DAY + 60_000));
    expect(travauxOf((await opa.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-1000-0001' }))[0])).not.toContain('TP-75056-0042-00');
  });

  test('the back office publishes, replans, updates and closes works with the command line', async () => {
    const published = await cli(
      '--json', 'travaux', 'publier',
      '--nature', 'TRAVAUX_PROGRAMMES',
      '--libelle', 'Remplacement du coupleur',
      '--equipement', 'PBO',
      '--pm', 'PM-75056-0063',
      '--debut', '2026-03-04T22:00',
      '--fin', '2026-03-05T02:00',
      '--element', 'PBO:PBO-75056-0051-02',
      '--element', 'PBO:PBO-75056-0051-03',
    );
    expect(published.err).toBe('');
    expect(published.code).toBe(0);
    const created = JSON.parse(published.out);
    expect(created).toMatchObject({ etat: 'NOUVEAU', dateDebut: '2026-03-04T21:00:00.000Z', dateFin: '2026-03-05T01:00:00.000Z' });
    expect(created.reference).toMatch(/^TRV-\d{10}$/);

    const [impacted] = await opa.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-1000-0003' });
    expect(travauxOf(impacted)).toEqual([created.reference]);

    const replanned = await cli('travaux', 'modifier', created.reference, '--debut', '2026-03-11T22:00', '--fin', '2026-03-12T02:00');
    expect(replanned).toMatchObject({ code: 0, out: `${created.reference} : REPLANIFICATION\n` });
    const updated = await cli('travaux', 'modifier', created.reference, '--commentaire', 'Accès par la cour');
    expect(updated.out).toBe(`${created.reference} : MAJ\n`);

    const [seen] = await opa.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-1000-0002' });
    const item = [seen.travauxProgrammes.travaux].flat().find((x: any) => x.reference === created.reference);
    expect(item).toMatchObject({ etat: 'MAJ', commentaire: 'Accès par la cour' });
    expect(new Date(item.dateDebut).toISOString()).toBe('2026-03-11T21:00:00.000Z');

    const closed = await cli('travaux', 'cloturer', created.reference);
    expect(closed.code).toBe(0);
    expect(closed.out).toContain('CLOTURE');
    const again = await cli('travaux', 'annuler', created.reference);
    expect(again.code).toBe(1);
    expect(again.err).toContain('refusé');

    const shown = await cli('travaux', 'voir', created.reference);
    expect(shown.out).toContain('PBO:PBO-75056-0051-02, PBO:PBO-75056-0051-03');
    const listed = await cli('travaux', 'lister', '--ouverts');
    expect(listed.out).toContain('DERCO-75056-0063-01');
    expect(listed.out).not.toContain(created.reference);
  });

  test('the admin API refuses what cannot be published', async () => {
    const base = {
      nature: 'TRAVAUX_PROGRAMMES',
      libelle: 'x',
      equipement: 'PM',
      referencePm: 'PM-1',
      dateDebut: '2026-03-04T22:00:00+01:00',
      perimetre: [{ type: 'PM', reference: 'PM-1' }],
    };
    expect((await t.admin('POST', '/admin/travaux', { ...base, referencePm: undefined })).status).toBe(400);
    expect((await t.admin('POST', '/admin/travaux', { ...base, perimetre: [] })).status).toBe(400);
    expect((await t.admin('POST', '/admin/travaux', { ...base, dateFin: '2026-03-04T21:00:00+01:00' })).status).toBe(400);
    expect((await t.admin('POST', '/admin/travaux', { ...base, dateDebut: '2026-03-04T22:00' })).status).toBe(400);
    expect((await t.admin('POST', '/admin/travaux', { ...base, reference: 'TP-75056-0042-01' })).status).toBe(409);
    expect((await t.admin('GET', '/admin/travaux/INCONNU')).status).toBe(404);
    expect((await t.admin('POST', '/admin/travaux', base, null)).status).toBe(401);
  });
});
