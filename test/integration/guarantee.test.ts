// The restoration deadline (échéance de rétablissement) end to end: computed at deposit from the
// prestation's GTR in French working hours, absent while GELE (paused), recomputed on resume,
// across the 11 November public holiday.
import { SettableClock } from '../../src/domain/clock.js';
import { parseXsDateTime } from '../../src/domain/paris-calendar.js';
import { frenchPublicHolidays } from '../../src/domain/holidays.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { backOfficeOver } from '../support/back-office.js';

const describeDb = await describeWithPostgres();

describeDb('restoration deadline (GTR)', () => {
  let t: TestGateway;
  let clock: SettableClock;
  beforeAll(async () => {
    clock = new SettableClock('2026-11-02T10:00:00+01:00'); // Monday
    t = await startTestGateway({ clock });
  });
  afterAll(async () => {
    await t?.close();
  });

  const instant = (value: unknown) => new Date(value as string | Date).toISOString();

  test('working-hours GTR: deposit, pause while GELE, resume across a public holiday', async () => {
    const client = await t.soapClient('OPA1');
    client.addSoapHeader(enteteRequete('OPA1'));
    const backOffice = backOfficeOver(t.db, clock, { calendar: frenchPublicHolidays(), dashboardDelayMs: 0 });

    // GTR_STANDARD = 20 working hours from Monday 10:00: Mon 8 h + Tue 10 h + Wed 2 h → Wed 10:00.
    const args = depositArgs();
    const [ack] = await client.deposerSignalisationAsync(args);
    expect(ack.garantie.code).toBe('GTR_STANDARD');
    expect(instant(ack.garantie.echeanceRetablissement)).toBe(parseXsDateTime('2026-11-04T10:00:00').toISOString());

    const reference = ack.referenceSignalisation;
    clock.set('2026-11-02T12:00:00+01:00');
    await backOffice.transition('test-agent', reference, { etat: 'EN_QUALIFICATION' });
    await backOffice.transition('test-agent', reference, { etat: 'EN_COURS' });
    clock.set('2026-11-02T14:00:00+01:00'); // 4 working hours consumed
    await backOffice.transition('test-agent', reference, { etat: 'GELE', attente: 'INFORMATION' });
    const [frozen] = await client.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    expect(frozen.signalisation.garantie.echeanceRetablissement).toBeUndefined();
    // A retry of the deposit replays the first acknowledgement, deadline included.
    const [replayed] = await client.deposerSignalisationAsync(args);
    expect(instant(replayed.garantie.echeanceRetablissement)).toBe(instant(ack.garantie.echeanceRetablissement));
    expect(replayed.etat).toBe('EN_DEPOT');

    // Resumed Tuesday 10 Nov 09:00: 16 h left = Tue 9 h, Wed 11 Nov is a holiday, Thu 7 h → Thu 15:00.
    clock.set('2026-11-10T09:00:00+01:00');
    const [resumed] = await client.completerSignalisationAsync({ referenceSignalisation: reference, commentaire: 'Information fournie' });
    expect(resumed.etat).toBe('EN_COURS');
    const [detail] = await client.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    expect(instant(detail.signalisation.garantie.echeanceRetablissement)).toBe(parseXsDateTime('2026-11-12T15:00:00').toISOString());
  });

  test('24x7 GTR counts calendar hours', async () => {
    // OPB2's FI-2000-0001 has GTR_4HO (working hours); use a deposit on a Saturday to see the difference.
    clock.set('2026-11-07T10:00:00+01:00'); // Saturday
    const client = await t.soapClient('OPB2');
    client.addSoapHeader(enteteRequete('OPB2'));
    const [ack] = await client.deposerSignalisationAsync(depositArgs({ identifiantPrestation: 'FI-2000-0001' }));
    expect(ack.garantie.code).toBe('GTR_4HO');
    // Counting starts Monday 08:00 → 12:00.
    expect(instant(ack.garantie.echeanceRetablissement)).toBe(parseXsDateTime('2026-11-09T12:00:00').toISOString());
  });
});
