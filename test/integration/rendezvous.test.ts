// Appointments through the e-SAV SignalisationService v1 (rechercherCreneaux, reserverCreneau,
// reporterRendezVous, annulerRendezVous, consulterRendezVous) over the real stack: real
// PostgreSQL, real mutual TLS, node-soap clients built from the served WSDL, an injected clock,
// and the back office moving tickets on the same database.
import path from 'node:path';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import type soap from 'soap';
import { SettableClock } from '../../src/domain/clock.js';
import { formatParisDateTime } from '../../src/domain/paris-calendar.js';
import { NO_HOLIDAYS } from '../../src/domain/holidays.js';
import { XSD_DIR } from '../../src/adapters/paths.js';
import { BackOfficeService } from '../../src/application/back-office.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { SqlCapacityRepository, SqlRendezVousRepository } from '../../src/adapters/postgres/rendezvous.js';
import { SlotUnavailable } from '../../src/application/rendezvous-ports.js';
import { parseFault, soapFault } from '../support/faults.js';
import { depositArgs, enteteRequete, rawPost, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { backOfficeOver } from '../support/back-office.js';

const describeDb = await describeWithPostgres();
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SIG = 'urn:esav:signalisation:v1';
const HOUR = 3600_000;

const asList = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

interface Slot {
  idCreneau: string;
  debut: Date;
  fin: Date;
}

describeDb('appointments (e-SAV SignalisationService v1)', () => {
  let t: TestGateway;
  let clock: SettableClock;
  let backOffice: BackOfficeService;
  let opa: soap.Client;
  let opb: soap.Client;
  let schema: CompiledSchema;

  beforeAll(async () => {
    clock = new SettableClock('2026-11-02T10:00:00+01:00'); // a Monday
    t = await startTestGateway({ clock });
    backOffice = backOfficeOver(t.db, clock);
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
    opb = await t.soapClient('OPB2');
    opb.addSoapHeader(enteteRequete('OPB2'));
    schema = CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'signalisation-v1.xsd'), XSD_DIR);
  });
  afterAll(async () => {
    schema?.dispose();
    await t?.close();
  });
  beforeEach(() => clock.set('2026-11-02T10:00:00+01:00'));

  async function deposit(client: soap.Client = opa, overrides: Record<string, unknown> = {}): Promise<string> {
    const [ack] = await client.deposerSignalisationAsync(depositArgs(overrides));
    return ack.referenceSignalisation;
  }

  const depositB = () => deposit(opb, { identifiantPrestation: 'FI-2000-0001' });

  async function moveTo(reference: string, steps: Array<[string, Record<string, string>?]>): Promise<void> {
    for (const [etat, extra] of steps) await backOffice.transition('test-agent', reference, { etat: etat as never, ...(extra ?? {}) });
  }

  async function search(reference: string, type: string, debut: string, fin: string, client: soap.Client = opa): Promise<Slot[]> {
    const [answer] = await client.rechercherCreneauxAsync({ referenceSignalisation: reference, typeRendezVous: type, periode: { debut, fin } });
    return asList<Slot>(answer?.creneau);
  }

  const week = (reference: string, type = 'SAV', client: soap.Client = opa) =>
    search(reference, type, '2026-11-02T00:00:00+01:00', '2026-11-09T00:00:00+01:00', client);

  test('rechercherCreneaux: future free slots of the prestation’s zone, inside the window, per type, no public holiday', async () => {
    const reference = await deposit();
    const slots = await week(reference);
    expect(slots.length).toBeGreaterThan(10);
    const now = clock.now().getTime();
    for (const s of slots) {
      expect(s.idCreneau).toMatch(/^CR-\d+$/);
      expect(s.debut.getTime()).toBeGreaterThan(now); // 08:00–10:00 and 10:00–12:00 today are past
      expect(s.fin.getTime() - s.debut.getTime()).toBe(2 * HOUR);
      expect(s.fin.getTime()).toBeLessThanOrEqual(new Date('2026-11-09T00:00:00+01:00').getTime());
    }
    // One slot per window (the operator picks a time, not a technician), earliest first.
    const starts = slots.map((s) => s.debut.getTime());
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(new Set(starts).size).toBe(starts.length);
    expect(formatParisDateTime(slots[0]!.debut)).toBe('2026-11-02T14:00:00+01:00');

    // A narrower window: only the slots wholly inside it.
    const morning = await search(reference, 'SAV', '2026-11-03T09:00:00+01:00', '2026-11-03T13:00:00+01:00');
    expect(morning.map((s) => formatParisDateTime(s.debut))).toEqual(['2026-11-03T10:00:00+01:00']);

    // Expertise contradictoire in Paris: Tuesday and Thursday afternoons, 3 hours.
    const expertise = await week(reference, 'EXPERTISE_CONTRADICTOIRE');
    expect(expertise.map((s) => formatParisDateTime(s.debut))).toEqual(['2026-11-03T14:00:00+01:00', '2026-11-05T14:00:00+01:00']);

    // 2026-11-11 (Armistice) is a public holiday: no slot that day.
    const next = await search(reference, 'SAV', '2026-11-09T00:00:00+01:00', '2026-11-16T00:00:00+01:00');
    expect(next.length).toBeGreaterThan(0);
    expect(next.some((s) => formatParisDateTime(s.debut).startsWith('2026-11-11'))).toBe(false);

    // Lyon's prestation gets Lyon's slots (13:30 afternoons), never Paris' ones.
    const lyon = await week(await depositB(), 'SAV', opb);
    expect(lyon.some((s) => formatParisDateTime(s.debut) === '2026-11-02T13:30:00+01:00')).toBe(true);
    expect(lyon.map((s) => s.idCreneau).filter((id) => slots.some((p) => p.idCreneau === id))).toEqual([]);

    // Nothing in a past window, nothing beyond the horizon, and debut ≥ fin is refused.
    expect(await search(reference, 'SAV', '2026-10-01T00:00:00+02:00', '2026-11-02T09:00:00+01:00')).toEqual([]);
    expect(await search(reference, 'SAV', '2027-06-01T00:00:00+02:00', '2027-06-08T00:00:00+02:00')).toEqual([]);
    const inverted = await soapFault(search(reference, 'SAV', '2026-11-05T00:00:00+01:00', '2026-11-04T00:00:00+01:00'));
    expect(inverted).toMatchObject({ code: 101, champ: 'periode' });
  });

  test('reserverCreneau: the slot is taken (gone from the search), listed in consulterRendezVous and in the detail', async () => {
    const reference = await deposit();
    const [slot] = await week(reference);
    const [booked] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: slot!.idCreneau });
    expect(booked.idRendezVous).toMatch(/^RDV-\d{10}$/);
    expect(booked).toMatchObject({ referenceSignalisation: reference, etat: 'EN_DEPOT' });
    expect(booked.rendezVous).toMatchObject({ idRendezVous: booked.idRendezVous, typeRendezVous: 'SAV', statut: 'RESERVE' });
    expect(booked.rendezVous.debut).toEqual(slot!.debut);

    // The window is still offered while another technician is free, but never this slot again.
    const after = await week(reference);
    expect(after.map((s) => s.idCreneau)).not.toContain(slot!.idCreneau);

    const [list] = await opa.consulterRendezVousAsync({ referenceSignalisation: reference });
    expect(asList(list.rendezVous)).toEqual([expect.objectContaining({ idRendezVous: booked.idRendezVous, statut: 'RESERVE' })]);
    const [one] = await opa.consulterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });
    expect(asList(one.rendezVous)).toHaveLength(1);

    const [detail] = await opa.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    expect(asList(detail.signalisation.rendezVous.rendezVous)).toEqual([
      expect.objectContaining({ idRendezVous: booked.idRendezVous, typeRendezVous: 'SAV', statut: 'RESERVE', debut: slot!.debut, fin: slot!.fin }),
    ]);

    // A retry of the same booking (time-out on the operator's side) gets the same appointment;
    // another SAV slot for the same ticket is refused (reporterRendezVous moves it).
    const [retry] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: slot!.idCreneau });
    expect(retry.idRendezVous).toBe(booked.idRendezVous);
    const second = await soapFault(opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: after[0]!.idCreneau }));
    expect(second).toMatchObject({ code: 311, champ: 'idCreneau' });
    // A different type is a different appointment.
    const [expertise] = await week(reference, 'EXPERTISE_CONTRADICTOIRE');
    const [other] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: expertise!.idCreneau });
    expect(other.rendezVous.typeRendezVous).toBe('EXPERTISE_CONTRADICTOIRE');
  });

  test('reserverCreneau: unknown, past or other-zone slot → 320; closed ticket → 311; unknown ticket → 310', async () => {
    const reference = await deposit();
    const slots = await week(reference);
    expect(await soapFault(opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: 'CR-999999999' }))).toMatchObject({
      code: 320,
      champ: 'idCreneau',
    });
    expect((await soapFault(opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: 'NOT-A-SLOT' }))).code).toBe(320);
    const lyon = await week(await depositB(), 'SAV', opb);
    expect((await soapFault(opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: lyon[0]!.idCreneau }))).code).toBe(320);
    clock.set(slots[0]!.debut); // the slot starts now: no longer bookable
    expect((await soapFault(opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: slots[0]!.idCreneau }))).code).toBe(320);
    clock.set('2026-11-02T10:00:00+01:00');

    const closed = await deposit();
    await moveTo(closed, [['EN_REJET', { motif: 'Prestation résiliée' }]]);
    expect((await soapFault(opa.reserverCreneauAsync({ referenceSignalisation: closed, idCreneau: slots[1]!.idCreneau }))).code).toBe(311);
    expect((await soapFault(week(closed))).code).toBe(311);
    expect((await soapFault(opa.reserverCreneauAsync({ referenceSignalisation: 'SIG-9999999999', idCreneau: slots[1]!.idCreneau }))).code).toBe(310);
  });

  test('booking un-freezes a ticket GELE waiting for an appointment (history row OPERATEUR); GELE for information stays', async () => {
    const waiting = await deposit();
    await moveTo(waiting, [['EN_QUALIFICATION'], ['EN_COURS'], ['GELE', { attente: 'RENDEZ_VOUS', motif: 'Rendez-vous client nécessaire' }]]);
    const [slot] = await week(waiting);
    const [booked] = await opa.reserverCreneauAsync({ referenceSignalisation: waiting, idCreneau: slot!.idCreneau });
    expect(booked.etat).toBe('EN_COURS');
    const [detail] = await opa.consulterDetailSignalisationAsync({ referenceSignalisation: waiting });
    const history = asList<any>(detail.signalisation.historique.changementEtat);
    expect(history.at(-1)).toMatchObject({ etatPrecedent: 'GELE', etat: 'EN_COURS', acteur: 'OPERATEUR' });
    expect(history.at(-1).motif).toContain('Rendez-vous SAV');
    expect(detail.signalisation.garantie.echeanceRetablissement).toBeInstanceOf(Date); // the guarantee clock runs again

    const info = await deposit();
    await moveTo(info, [['EN_QUALIFICATION'], ['EN_COURS'], ['GELE', { attente: 'INFORMATION' }]]);
    const [slot2] = await week(info);
    const [kept] = await opa.reserverCreneauAsync({ referenceSignalisation: info, idCreneau: slot2!.idCreneau });
    expect(kept.etat).toBe('GELE');
  });

  test('reporterRendezVous moves the appointment atomically: the old slot is free again; a taken slot → 320, nothing changes', async () => {
    const reference = await deposit();
    const [first, second] = await week(reference);
    const [booked] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: first!.idCreneau });
    const id = booked.idRendezVous;

    const [moved] = await opa.reporterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: id, idCreneau: second!.idCreneau });
    expect(moved.rendezVous).toMatchObject({ idRendezVous: id, statut: 'RESERVE', debut: second!.debut });
    const free = await week(reference);
    expect(free.map((s) => s.idCreneau)).toContain(first!.idCreneau);
    expect(free.map((s) => s.idCreneau)).not.toContain(second!.idCreneau);
    // The same move again (a retry) is a no-op.
    const [again] = await opa.reporterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: id, idCreneau: second!.idCreneau });
    expect(again.rendezVous.debut).toEqual(second!.debut);

    // Another ticket takes the old slot; moving back onto it fails and leaves everything as it was.
    const other = await deposit();
    await opa.reserverCreneauAsync({ referenceSignalisation: other, idCreneau: first!.idCreneau });
    const taken = await soapFault(opa.reporterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: id, idCreneau: first!.idCreneau }));
    expect(taken).toMatchObject({ code: 320, champ: 'idCreneau' });
    const [still] = await opa.consulterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: id });
    expect(asList<any>(still.rendezVous)[0].debut).toEqual(second!.debut);

    // Another type or zone is not a reschedule.
    const [expertise] = await week(reference, 'EXPERTISE_CONTRADICTOIRE');
    expect((await soapFault(opa.reporterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: id, idCreneau: expertise!.idCreneau }))).code).toBe(320);
  });

  test('annulerRendezVous frees the slot (found again by the search), is idempotent; a cancelled appointment cannot be moved', async () => {
    const reference = await deposit();
    const [slot, next] = await week(reference);
    const [booked] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: slot!.idCreneau });
    expect((await week(reference)).map((s) => s.idCreneau)).not.toContain(slot!.idCreneau);

    const [cancelled] = await opa.annulerRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });
    expect(cancelled.rendezVous).toMatchObject({ idRendezVous: booked.idRendezVous, statut: 'ANNULE' });
    expect((await week(reference)).map((s) => s.idCreneau)).toContain(slot!.idCreneau);
    const [twice] = await opa.annulerRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });
    expect(twice.rendezVous.statut).toBe('ANNULE');
    expect((await soapFault(opa.reporterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous, idCreneau: next!.idCreneau }))).code).toBe(320);

    // The freed slot can be booked again (by another ticket); the detail keeps the cancelled one.
    const other = await deposit();
    const [rebooked] = await opa.reserverCreneauAsync({ referenceSignalisation: other, idCreneau: slot!.idCreneau });
    expect(rebooked.rendezVous.statut).toBe('RESERVE');
    const [again] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: next!.idCreneau });
    const [detail] = await opa.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    expect(asList<any>(detail.signalisation.rendezVous.rendezVous).map((r) => [r.idRendezVous, r.statut])).toEqual([
      [booked.idRendezVous, 'ANNULE'],
      [again.idRendezVous, 'RESERVE'],
    ]);

    // An appointment that has started can no longer be cancelled.
    clock.set(new Date(next!.debut.getTime() + 60_000));
    expect((await soapFault(opa.annulerRendezVousAsync({ referenceSignalisation: reference, idRendezVous: again.idRendezVous }))).code).toBe(320);
  });

  test('isolation: another operator’s ticket is 310, its appointment 320, even named through one’s own ticket', async () => {
    const mine = await deposit();
    const [slot] = await week(mine);
    const [booked] = await opa.reserverCreneauAsync({ referenceSignalisation: mine, idCreneau: slot!.idCreneau });
    const theirs = await depositB();

    expect((await soapFault(week(mine, 'SAV', opb))).code).toBe(310);
    expect((await soapFault(opb.reserverCreneauAsync({ referenceSignalisation: mine, idCreneau: slot!.idCreneau }))).code).toBe(310);
    expect((await soapFault(opb.consulterRendezVousAsync({ referenceSignalisation: mine }))).code).toBe(310);
    expect((await soapFault(opb.annulerRendezVousAsync({ referenceSignalisation: mine, idRendezVous: booked.idRendezVous }))).code).toBe(310);
    // Through its own ticket, OPB2 still cannot reach OPA1's appointment: unknown.
    for (const call of [
      opb.consulterRendezVousAsync({ referenceSignalisation: theirs, idRendezVous: booked.idRendezVous }),
      opb.annulerRendezVousAsync({ referenceSignalisation: theirs, idRendezVous: booked.idRendezVous }),
      opb.reporterRendezVousAsync({ referenceSignalisation: theirs, idRendezVous: booked.idRendezVous, idCreneau: slot!.idCreneau }),
    ]) {
      expect(await soapFault(call)).toMatchObject({ code: 320, champ: 'idRendezVous' });
    }
    // And one's own appointment named through another of one's tickets is unknown too.
    const otherOfMine = await deposit();
    expect((await soapFault(opa.annulerRendezVousAsync({ referenceSignalisation: otherOfMine, idRendezVous: booked.idRendezVous }))).code).toBe(320);
    const [unchanged] = await opa.consulterRendezVousAsync({ referenceSignalisation: mine });
    expect(asList<any>(unchanged.rendezVous)[0].statut).toBe('RESERVE');
  });

  test('race: 10 concurrent reservations of one slot (8 tickets of OPA1, 2 Interop’Fibre bookings of OPB2) → exactly one succeeds, the others 320', async () => {
    const tickets = await Promise.all(Array.from({ length: 8 }, () => deposit()));
    const [slot] = await search(tickets[0]!, 'SAV', '2026-11-04T00:00:00+01:00', '2026-11-05T00:00:00+01:00');
    const clients = await Promise.all(tickets.map(async () => {
      const c = await t.soapClient('OPA1');
      c.addSoapHeader(enteteRequete('OPA1'));
      return c;
    }));
    const interop = (n: number) =>
      rawPost(
        `${t.url}/ws/interop/planChargeSavFtth`,
        t.tlsFor('OPB2'),
        `<soapenv:Envelope xmlns:soapenv="${SOAP11}" xmlns:tns="http://interop-fibre.fr"><soapenv:Header><tns:EnteteType><versionWS>1</versionWS>` +
          `<horodatageRequete>2026-11-02T10:00:00+01:00</horodatageRequete><sirenOC>200000008</sirenOC><sirenOI>300000007</sirenOI></tns:EnteteType></soapenv:Header>` +
          `<soapenv:Body><tns:ReservationCreneauRequete><natureProduit>FTTH_ACCES</natureProduit><segmentMarche>GP</segmentMarche>` +
          `<codeInsee>75056</codeInsee><idCreneau>${slot!.idCreneau}</idCreneau></tns:ReservationCreneauRequete></soapenv:Body></soapenv:Envelope>`,
      ).then((r) => ({ n, ...r }));

    const outcomes = await Promise.all([
      ...tickets.map((reference, i) =>
        clients[i]!.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: slot!.idCreneau }).then(
          () => 'ok',
          async (error: unknown) => String((await soapFault(Promise.reject(error))).code),
        ),
      ),
      interop(1).then((r) => (r.status === 200 ? 'ok' : /<codeErreur>(\d+)</.exec(r.body)?.[1] ?? r.body)),
      interop(2).then((r) => (r.status === 200 ? 'ok' : /<codeErreur>(\d+)</.exec(r.body)?.[1] ?? r.body)),
    ]);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(9).fill('320'));
    const [row] = await t.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM rdv_rendezvous WHERE creneau_id = $1 AND statut = 'RESERVE'`,
      [Number(slot!.idCreneau.slice(3))],
    );
    expect(row?.count).toBe(1);
  }, 60_000);

  test('store: bookings and moves of 20 concurrent transactions racing for one slot → exactly one holds it', async () => {
    const capacity = new SqlCapacityRepository(t.db, NO_HOLIDAYS);
    const repository = new SqlRendezVousRepository(t.db);
    const reference = await deposit();
    const [target] = await search(reference, 'SAV', '2026-11-06T00:00:00+01:00', '2026-11-07T00:00:00+01:00');
    const slot = (await capacity.slot(Number(target!.idCreneau.slice(3))))!;
    // Ten appointments elsewhere that will all try to move onto the slot, while ten bookings try to take it.
    const movers: string[] = [];
    for (let i = 0; i < 10; i++) {
      const free = (await capacity.freeSlots({ codeInsee: '75056', type: 'SAV', debut: new Date('2026-11-09T00:00:00+01:00'), fin: new Date('2026-11-21T00:00:00+01:00'), now: clock.now(), limit: 1 }))[0]!;
      movers.push((await repository.book({ operatorCode: 'OPB2', creneau: free, at: clock.now(), canal: 'INTEROP' })).reference);
    }
    const at = clock.now();
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, () => repository.book({ operatorCode: 'OPA1', creneau: slot, at, canal: 'INTEROP' })),
      ...movers.map((m) => repository.move('OPB2', m, slot, at, () => true)),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SlotUnavailable);
    const live = await t.db.query<{ reference: string }>(`SELECT reference FROM rdv_rendezvous WHERE creneau_id = $1 AND statut = 'RESERVE'`, [slot.id]);
    expect(live).toHaveLength(1);
    // The losing movers kept their own slots.
    const kept = await t.db.query<{ n: number }>(
      `SELECT count(DISTINCT creneau_id)::int AS n FROM rdv_rendezvous WHERE reference = ANY($1::text[]) AND statut = 'RESERVE'`,
      [movers],
    );
    expect(kept[0]!.n).toBe(10);
  }, 60_000);

  test('the database itself refuses a second live appointment on a slot', async () => {
    const reference = await deposit();
    const [slot] = await week(reference);
    await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: slot!.idCreneau });
    await expect(
      t.db.query(
        `INSERT INTO rdv_rendezvous (operator_code, creneau_id, type_rdv, statut, canal, reserve_le, modifie_le)
         VALUES ('OPB2', $1, 'SAV', 'RESERVE', 'INTEROP', now(), now())`,
        [Number(slot!.idCreneau.slice(3))],
      ),
    ).rejects.toThrow(/rdv_rendezvous_creneau_reserve/);
  });

  describe('night rule: no slot search from 01:00 to 04:00 Europe/Paris (fault 321), also on DST nights', () => {
    let reference: string;
    beforeAll(async () => {
      clock.set('2026-03-20T10:00:00+01:00');
      reference = await deposit();
    });

    const cases: Array<[string, string, boolean]> = [
      // an ordinary winter night
      ['2026-11-03 00:59:59.999', '2026-11-02T23:59:59.999Z', false],
      ['2026-11-03 01:00', '2026-11-03T00:00:00.000Z', true],
      ['2026-11-03 03:59:59.999', '2026-11-03T02:59:59.999Z', true],
      ['2026-11-03 04:00', '2026-11-03T03:00:00.000Z', false],
      // spring forward 2026-03-29: 02:00 CET → 03:00 CEST (the window is 2 hours of real time)
      ['2026-03-29 00:59:59.999 CET', '2026-03-28T23:59:59.999Z', false],
      ['2026-03-29 01:00 CET', '2026-03-29T00:00:00.000Z', true],
      ['2026-03-29 03:59:59.999 CEST', '2026-03-29T01:59:59.999Z', true],
      ['2026-03-29 04:00 CEST', '2026-03-29T02:00:00.000Z', false],
      // fall back 2026-10-25: 03:00 CEST → 02:00 CET (the window is 4 hours of real time)
      ['2026-10-25 00:59:59.999 CEST', '2026-10-24T22:59:59.999Z', false],
      ['2026-10-25 01:00 CEST', '2026-10-24T23:00:00.000Z', true],
      ['2026-10-25 02:30 CEST (first pass)', '2026-10-25T00:30:00.000Z', true],
      ['2026-10-25 02:30 CET (second pass)', '2026-10-25T01:30:00.000Z', true],
      ['2026-10-25 03:59:59.999 CET', '2026-10-25T02:59:59.999Z', true],
      ['2026-10-25 04:00 CET', '2026-10-25T03:00:00.000Z', false],
    ];

    test.each(cases)('%s (%s) → closed: %s', async (_label, instant, closed) => {
      clock.set(instant);
      const call = opa.rechercherCreneauxAsync({
        referenceSignalisation: reference,
        typeRendezVous: 'SAV',
        periode: { debut: '2026-03-01T00:00:00+01:00', fin: '2026-12-31T00:00:00+01:00' },
      });
      if (closed) {
        const fault = await soapFault(call);
        expect(fault.code).toBe(321);
        expect(fault.faultcode).toMatch(/Server$/);
      } else {
        const [answer] = await call;
        expect(asList(answer?.creneau).length).toBeGreaterThan(0);
      }
    });

    test('booking, rescheduling and consulting stay open at night; reessayerApres counts to 04:00', async () => {
      clock.set('2026-10-25T01:30:00Z'); // 02:30 CET, second pass
      const body = await rawPost(
        `${t.url}/ws/v1/signalisation`,
        t.tlsFor('OPA1'),
        `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header>${enteteRequete('OPA1')}</soapenv:Header><soapenv:Body>` +
          `<s:rechercherCreneaux xmlns:s="${SIG}"><s:referenceSignalisation>${reference}</s:referenceSignalisation><s:typeRendezVous>SAV</s:typeRendezVous>` +
          '<s:periode><s:debut>2026-10-26T00:00:00+01:00</s:debut><s:fin>2026-10-27T00:00:00+01:00</s:fin></s:periode></s:rechercherCreneaux></soapenv:Body></soapenv:Envelope>',
      );
      expect(body.status).toBe(500);
      expect(parseFault(body.body).code).toBe(321);
      expect(/<reessayerApres>(\d+)<\/reessayerApres>/.exec(body.body)?.[1]).toBe(String(90 * 60));

      clock.set('2026-10-24T12:00:00+02:00');
      const [slot] = await search(reference, 'SAV', '2026-10-26T00:00:00+01:00', '2026-10-27T00:00:00+01:00');
      clock.set('2026-10-25T01:30:00Z');
      const [booked] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: slot!.idCreneau });
      const [list] = await opa.consulterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });
      expect(asList(list.rendezVous)).toHaveLength(1);
    });
  });

  test('every appointment response conforms to the published schema', async () => {
    const reference = await deposit();
    const [slot, next] = await week(reference);

    async function callAndValidate(payload: string): Promise<string> {
      const response = await rawPost(
        `${t.url}/ws/v1/signalisation`,
        t.tlsFor('OPA1'),
        `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header>${enteteRequete('OPA1', { idCorrelation: 'rdv-1' })}</soapenv:Header><soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`,
      );
      expect(response.status).toBe(200);
      const doc = XmlDocument.fromString(response.body);
      try {
        const elements = (e: XmlElement) => {
          const out: XmlElement[] = [];
          for (let n = e.firstChild; n; n = n.next) if (n instanceof XmlElement) out.push(n);
          return out;
        };
        const [header, body] = elements(doc.root);
        schema.validateElement(elements(header!)[0]!);
        const [answer] = elements(body!);
        schema.validateElement(answer!);
        return answer!.name;
      } finally {
        doc.dispose();
      }
    }
    const key = `<s:referenceSignalisation>${reference}</s:referenceSignalisation>`;
    const op = (name: string, inner: string) => `<s:${name} xmlns:s="${SIG}">${key}${inner}</s:${name}>`;
    expect(
      await callAndValidate(op('rechercherCreneaux', '<s:typeRendezVous>SAV</s:typeRendezVous><s:periode><s:debut>2026-11-02T00:00:00+01:00</s:debut><s:fin>2026-11-09T00:00:00+01:00</s:fin></s:periode>')),
    ).toBe('rechercherCreneauxReponse');
    expect(await callAndValidate(op('reserverCreneau', `<s:idCreneau>${slot!.idCreneau}</s:idCreneau>`))).toBe('reserverCreneauReponse');
    const [last] = await t.db.query<{ reference: string }>('SELECT reference FROM rdv_rendezvous ORDER BY id DESC LIMIT 1');
    const rdv = last!.reference;
    expect(await callAndValidate(op('reporterRendezVous', `<s:idRendezVous>${rdv}</s:idRendezVous><s:idCreneau>${next!.idCreneau}</s:idCreneau>`))).toBe(
      'reporterRendezVousReponse',
    );
    expect(await callAndValidate(op('consulterRendezVous', ''))).toBe('consulterRendezVousReponse');
    expect(await callAndValidate(`<s:consulterDetailSignalisation xmlns:s="${SIG}">${key}</s:consulterDetailSignalisation>`)).toBe(
      'consulterDetailSignalisationReponse',
    );
    expect(await callAndValidate(op('annulerRendezVous', `<s:idRendezVous>${rdv}</s:idRendezVous>`))).toBe('annulerRendezVousReponse');
    expect(await callAndValidate(op('consulterRendezVous', `<s:idRendezVous>${rdv}</s:idRendezVous>`))).toBe('consulterRendezVousReponse');
  });
});

test('embedded PGlite: search → book (un-freezing) → reschedule → cancel work on the single-connection database too', async () => {
  const clock = new SettableClock('2026-11-02T10:00:00+01:00');
  const t = await startTestGateway({ embedded: true, clock });
  try {
    const client = await t.soapClient('OPA1');
    client.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await client.deposerSignalisationAsync(depositArgs());
    const reference = ack.referenceSignalisation as string;
    await t.gateway.backOffice.transition('test-agent', reference, { etat: 'EN_QUALIFICATION' });
    await t.gateway.backOffice.transition('test-agent', reference, { etat: 'EN_COURS' });
    await t.gateway.backOffice.transition('test-agent', reference, { etat: 'GELE', attente: 'RENDEZ_VOUS' });
    const [found] = await client.rechercherCreneauxAsync({
      referenceSignalisation: reference,
      typeRendezVous: 'SAV',
      periode: { debut: '2026-11-03T00:00:00+01:00', fin: '2026-11-04T00:00:00+01:00' },
    });
    const [first, second] = asList<Slot>(found.creneau);
    const [booked] = await client.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: first!.idCreneau });
    expect(booked.etat).toBe('EN_COURS');
    const [moved] = await client.reporterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous, idCreneau: second!.idCreneau });
    expect(moved.rendezVous.debut).toEqual(second!.debut);
    const [cancelled] = await client.annulerRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });
    expect(cancelled.rendezVous.statut).toBe('ANNULE');
  } finally {
    await t.close();
  }
}, 60_000);
