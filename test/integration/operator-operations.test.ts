// listerSignalisations, consulterHistorique and completerSignalisation over the real stack, with
// the back office moving tickets (BackOfficeService on the same database) and an injected clock.
import { SettableClock } from '../../src/domain/clock.js';
import { BackOfficeService } from '../../src/application/back-office.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { soapFault } from '../support/faults.js';
import { describeWithPostgres } from '../support/postgres.js';
import type soap from 'soap';
import { backOfficeOver } from '../support/back-office.js';

const describeDb = await describeWithPostgres();

describeDb('operator operations: list, history, complete', () => {
  let t: TestGateway;
  let clock: SettableClock;
  let backOffice: BackOfficeService;
  let opa: soap.Client;
  let opb: soap.Client;

  beforeAll(async () => {
    clock = new SettableClock('2026-11-02T10:00:00+01:00'); // a Monday
    t = await startTestGateway({ clock });
    backOffice = backOfficeOver(t.db, clock);
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
    opb = await t.soapClient('OPB2');
    opb.addSoapHeader(enteteRequete('OPB2'));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function deposit(client: soap.Client, overrides: Record<string, unknown> = {}): Promise<{ reference: string; interne: string }> {
    const args = depositArgs(overrides);
    const [ack] = await client.deposerSignalisationAsync(args);
    return { reference: ack.referenceSignalisation, interne: String(args.referenceInterneOC) };
  }

  async function moveTo(reference: string, path: Array<[string, Record<string, string>?]>) {
    for (const [etat, extra] of path) await backOffice.transition('test-agent', reference, { etat: etat as never, ...(extra ?? {}) });
  }

  const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

  test('listerSignalisations: own tickets only, most recent first, filters, keyset paging', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await deposit(opa)).reference);
    const other = await deposit(opb, { identifiantPrestation: 'FI-2000-0001' });
    const active = await deposit(opa, { offre: 'FTTH_ACTIVE', identifiantPrestation: 'FI-1000-0002', formulaire: { idFormulaire: 'FTTH_ACTIVE', version: 1 } });
    await moveTo(mine[0]!, [['EN_QUALIFICATION']]);

    const [all] = await opa.listerSignalisationsAsync({ taille: 200 });
    const refs = asList(all.signalisation).map((s: any) => s.referenceSignalisation);
    expect(refs).toEqual(expect.arrayContaining([...mine, active.reference]));
    expect(refs).not.toContain(other.reference);
    expect(refs.indexOf(active.reference)).toBeLessThan(refs.indexOf(mine[4]!)); // most recent first

    const [byState] = await opa.listerSignalisationsAsync({ etat: ['EN_QUALIFICATION'] });
    expect(asList(byState.signalisation).map((s: any) => s.referenceSignalisation)).toEqual([mine[0]]);
    const [byOffer] = await opa.listerSignalisationsAsync({ offre: 'FTTH_ACTIVE' });
    expect(asList(byOffer.signalisation).map((s: any) => s.referenceSignalisation)).toEqual([active.reference]);
    const [byPrestation] = await opa.listerSignalisationsAsync({ identifiantPrestation: 'FI-1000-0002' });
    expect(asList(byPrestation.signalisation)).toHaveLength(1);

    // Paging by 2, while new tickets are being deposited: no duplicate, no gap among the old ones.
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const [page] = await opa.listerSignalisationsAsync({ ...(cursor ? { curseur: cursor } : {}), taille: 2 });
      seen.push(...asList(page.signalisation).map((s: any) => s.referenceSignalisation));
      cursor = page.curseurSuivant;
      if (pages++ === 0) await deposit(opa); // a new ticket arrives after the first page
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(refs));
    expect(seen.slice(0, refs.length)).toEqual(refs);
  });

  test('listerSignalisations: a forged or foreign cursor is a schema fault, never another operator’s data', async () => {
    const forged = Buffer.from(JSON.stringify({ k: 'L', i: 999999999 })).toString('base64url');
    const [page] = await opb.listerSignalisationsAsync({ curseur: forged, taille: 200 });
    for (const s of asList(page.signalisation) as any[]) expect(s.identifiantPrestation).toBe('FI-2000-0001');
    expect((await soapFault(opa.listerSignalisationsAsync({ curseur: 'not-a-cursor' }))).code).toBe(101);
    const historyCursor = Buffer.from(JSON.stringify({ k: 'H', i: 1, t: 0 })).toString('base64url');
    expect((await soapFault(opa.listerSignalisationsAsync({ curseur: historyCursor }))).champ).toBe('curseur');
    const historyWithoutTime = Buffer.from(JSON.stringify({ k: 'H', i: 1 })).toString('base64url');
    const periode = { debut: '2026-10-01T00:00:00+02:00', fin: '2026-12-01T00:00:00+01:00' };
    expect((await soapFault(opa.consulterHistoriqueAsync({ periode, curseur: historyWithoutTime }))).code).toBe(101);
  });

  test('completerSignalisation: GELE waiting for the operator goes back to EN_COURS; comment restituted', async () => {
    const { reference, interne } = await deposit(opa);
    await moveTo(reference, [['EN_QUALIFICATION'], ['EN_COURS'], ['GELE', { attente: 'ACCES_SITE', motif: 'Accès au local refusé' }]]);
    const [state] = await opa.completerSignalisationAsync({
      referenceInterneOC: interne,
      commentaire: 'Gardien prévenu, accès possible de 9h à 17h',
      accesSite: { horaires: '9h-17h', informations: 'Gardien au 01 23 45 67 89' },
    });
    expect(state).toMatchObject({ referenceSignalisation: reference, etat: 'EN_COURS' });
    const [detail] = await opa.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    const history = asList(detail.signalisation.historique.changementEtat) as any[];
    expect(history[history.length - 1]).toMatchObject({ etatPrecedent: 'GELE', etat: 'EN_COURS', acteur: 'OPERATEUR' });
    const comments = asList(detail.signalisation.commentaires.commentaire) as any[];
    expect(comments.at(-1)).toMatchObject({ auteur: 'OPERATEUR', texte: 'Gardien prévenu, accès possible de 9h à 17h' });
    expect(detail.signalisation.accesSite.horaires).toBe('9h-17h');
  });

  test('completerSignalisation: GELE waiting for an appointment stays GELE; other open states keep their state', async () => {
    const waiting = await deposit(opa);
    await moveTo(waiting.reference, [['EN_QUALIFICATION'], ['EN_COURS'], ['GELE', { attente: 'RENDEZ_VOUS' }]]);
    const [frozen] = await opa.completerSignalisationAsync({ referenceSignalisation: waiting.reference, commentaire: 'Disponible mardi' });
    expect(frozen.etat).toBe('GELE');
    const fresh = await deposit(opa);
    const [still] = await opa.completerSignalisationAsync({ referenceSignalisation: fresh.reference, commentaire: 'Précision' });
    expect(still.etat).toBe('EN_DEPOT');
  });

  test('completerSignalisation: 311 in closed states, 310 for another operator', async () => {
    const rejected = await deposit(opa);
    await moveTo(rejected.reference, [['EN_REJET', { motif: 'Prestation résiliée' }]]);
    expect((await soapFault(opa.completerSignalisationAsync({ referenceSignalisation: rejected.reference, commentaire: 'x' }))).code).toBe(311);
    const closed = await deposit(opa);
    await moveTo(closed.reference, [['EN_QUALIFICATION'], ['EN_COURS'], ['CLOS', { causeCloture: 'REPARATION_RESEAU' }]]);
    expect((await soapFault(opa.completerSignalisationAsync({ referenceSignalisation: closed.reference, commentaire: 'x' }))).code).toBe(311);
    const mine = await deposit(opa);
    expect((await soapFault(opb.completerSignalisationAsync({ referenceSignalisation: mine.reference, commentaire: 'x' }))).code).toBe(310);
    const [after] = await opa.consulterDetailSignalisationAsync({ referenceSignalisation: mine.reference });
    expect(asList(after.signalisation.commentaires?.commentaire)).toHaveLength(0);
  });

  test('consulterHistorique and the 90-day window, at its exact boundary', async () => {
    clock.set('2026-08-29T15:00:00+02:00');
    const old = await deposit(opa);
    await moveTo(old.reference, [['EN_QUALIFICATION'], ['EN_COURS'], ['CLOS', { causeCloture: 'REPARATION_RESEAU' }]]);
    const foreign = await deposit(opb, { identifiantPrestation: 'FI-2000-0001' });
    await moveTo(foreign.reference, [['EN_REJET', { motif: 'x' }]]);

    // 2026-11-27 (Paris): the window starts 2026-08-29 00:00 → still visible.
    clock.set('2026-11-27T23:59:59+01:00');
    const periode = { debut: '2026-08-01T00:00:00+02:00', fin: '2026-11-28T00:00:00+01:00' };
    const [visible] = await opa.consulterHistoriqueAsync({ periode });
    const refs = asList(visible.signalisation).map((s: any) => s.referenceSignalisation);
    expect(refs).toContain(old.reference);
    expect(refs).not.toContain(foreign.reference);
    expect(asList(visible.signalisation).find((s: any) => s.referenceSignalisation === old.reference)).toMatchObject({
      etat: 'CLOS',
      causeCloture: 'REPARATION_RESEAU',
    });
    const [state] = await opa.consulterEtatSignalisationAsync({ referenceSignalisation: old.reference });
    expect(state.etat).toBe('CLOS');

    // One second later it is 2026-11-28 in Paris: the ticket is out of the window for good.
    clock.set('2026-11-28T00:00:00+01:00');
    const [gone] = await opa.consulterHistoriqueAsync({ periode: { debut: '2026-08-01T00:00:00+02:00', fin: '2026-11-29T00:00:00+01:00' } });
    expect(asList(gone.signalisation).map((s: any) => s.referenceSignalisation)).not.toContain(old.reference);
    expect((await soapFault(opa.consulterEtatSignalisationAsync({ referenceSignalisation: old.reference }))).code).toBe(312);
    expect((await soapFault(opa.consulterDetailSignalisationAsync({ referenceSignalisation: old.reference }))).code).toBe(312);
    const [listed] = await opa.listerSignalisationsAsync({ taille: 200 });
    expect(asList(listed.signalisation).map((s: any) => s.referenceSignalisation)).not.toContain(old.reference);
    // A period entirely before the window, asked for explicitly → 312.
    const fault = await soapFault(opa.consulterHistoriqueAsync({ periode: { debut: '2026-08-01T00:00:00+02:00', fin: '2026-08-30T00:00:00+02:00' } }));
    expect(fault.code).toBe(312);
    // debut after fin → 101.
    expect((await soapFault(opa.consulterHistoriqueAsync({ periode: { debut: '2026-11-20T00:00:00+01:00', fin: '2026-11-10T00:00:00+01:00' } }))).code).toBe(101);
  });
});
