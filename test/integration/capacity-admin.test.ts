// Technicians' capacity administration through the admin API (issue 14, decision 0018), its effect
// seen by the operators' real slot searches over mutual TLS (e-SAV rechercherCreneaux and the
// Interop'Fibre rechercheCreneauxLibres, node-soap clients from the served WSDLs), real
// PostgreSQL, an injected clock. Demo capacity of Paris (75056): SAV Monday–Friday 08:00–12:00
// and 14:00–18:00 in 2-hour windows, 3 technicians; expertise Tuesday and Thursday 14:00–17:00.
import type soap from 'soap';
import { runCli } from '../../src/admin-cli/cli.js';
import { SettableClock } from '../../src/domain/clock.js';
import { formatParisDateTime } from '../../src/domain/paris-calendar.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { soapFault } from '../support/faults.js';

const describeDb = await describeWithPostgres();
const AGENT = 'Chloé Bernard (planification)';
const NOW = '2026-11-02T10:00:00+01:00'; // a Monday
const asList = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const paris = (d: Date | string) => formatParisDateTime(new Date(d)).slice(0, 16);
const INTEROP_HEADER =
  '<tns:EnteteType xmlns:tns="http://interop-fibre.fr"><versionWS>1.0</versionWS><horodatageRequete>2026-11-02T10:00:00+01:00</horodatageRequete>' +
  '<sirenOC>100000009</sirenOC><sirenOI>300000007</sirenOI></tns:EnteteType>';

const DEMO_SAV = [
  { jour: 1, debut: '08:00', fin: '12:00', dureeMinutes: 120, techniciens: 3 },
  { jour: 1, debut: '14:00', fin: '18:00', dureeMinutes: 120, techniciens: 3 },
].flatMap((l) => [1, 2, 3, 4, 5].map((jour) => ({ ...l, jour })));

describeDb('capacity administration (admin API → operators’ slot searches)', () => {
  let t: TestGateway;
  let clock: SettableClock;
  let opa: soap.Client;
  let interop: soap.Client;
  let reference: string;

  beforeAll(async () => {
    clock = new SettableClock(NOW);
    t = await startTestGateway({ clock });
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
    interop = await t.soapClient('OPA1', '/ws/interop/planChargeSavFtth');
    interop.addSoapHeader(INTEROP_HEADER);
    const [ack] = await opa.deposerSignalisationAsync(depositArgs());
    reference = ack.referenceSignalisation;
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set(NOW));

  /** e-SAV search of the ticket's zone (Paris) on one day: the window starts, Paris time. */
  async function esav(day: string, type = 'SAV'): Promise<string[]> {
    const [answer] = await opa.rechercherCreneauxAsync({
      referenceSignalisation: reference,
      typeRendezVous: type,
      periode: { debut: `${day}T00:00:00+01:00`, fin: `${day}T23:59:00+01:00` },
    });
    return asList<{ debut: Date }>(answer?.creneau).map((s) => paris(s.debut).slice(11));
  }

  async function esavSlots(day: string, type = 'SAV'): Promise<Array<{ idCreneau: string; debut: Date }>> {
    const [answer] = await opa.rechercherCreneauxAsync({
      referenceSignalisation: reference,
      typeRendezVous: type,
      periode: { debut: `${day}T00:00:00+01:00`, fin: `${day}T23:59:00+01:00` },
    });
    return asList(answer?.creneau);
  }

  async function interopSearch(day: string): Promise<string[]> {
    const [answer] = await interop.rechercheCreneauxLibresAsync({
      typeIntervention: 'S',
      natureProduit: 'FTTH_ACCES',
      segmentMarche: 'GP',
      codeInsee: '75056',
      dateDebut: `${day}T00:00:00+01:00`,
      dateFin: `${day}T23:59:00+01:00`,
      defectPrelocalization: 'PTO',
    });
    return asList<{ dateDebut: Date }>(answer?.listeCreneau?.occCreneau).map((s) => paris(s.dateDebut).slice(11));
  }

  const auditCount = async () => Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE action LIKE 'CAPACITE_%' OR action LIKE 'JOUR_NON_%'`))[0]!.n);

  async function view(du: string, au = du, type = 'SAV') {
    const answer = await t.admin('GET', `/admin/capacite/vue?commune=75056&type=${type}&du=${du}&au=${au}`);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  test('the demo capacity is listed; the view counts each window exactly', async () => {
    const list = await t.admin('GET', '/admin/capacite/plannings?commune=75056&type=SAV');
    expect(list.status).toBe(200);
    expect(list.body.plannings).toHaveLength(10);
    expect(list.body.plannings[0]).toEqual({ commune: '75056', type: 'SAV', jour: 1, debut: '08:00', fin: '12:00', dureeMinutes: 120, techniciens: 3, joursFeries: false });

    const v = await view('2026-11-03');
    expect(v.jours).toHaveLength(1);
    expect(v.jours[0].creneaux.map((w: { debut: string }) => paris(w.debut).slice(11))).toEqual(['08:00', '10:00', '14:00', '16:00']);
    expect(v.total).toEqual({ capacite: 12, reserves: 0, libres: 12, fermes: 0, horsCapacite: 0, conflits: 0 });
    // 11 November: a national holiday, no capacity.
    const holiday = await view('2026-11-11');
    expect(holiday.jours[0]).toMatchObject({ jour: '2026-11-11', ferie: 'Armistice 1918', capacite: 0, creneaux: [] });
  });

  test('a closure removes the offered slots at once (both contracts), keeps a booked one as a conflict; lifting it brings them back', async () => {
    expect(await esav('2026-11-04')).toEqual(['08:00', '10:00', '14:00', '16:00']);
    // An appointment booked on Wednesday 08:00 before the closure.
    const [first] = await esavSlots('2026-11-04');
    const [booked] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: first!.idCreneau });
    const before = await auditCount();

    const created = await t.admin('POST', '/admin/capacite/fermetures', {
      agent: AGENT,
      perimetre: '75056',
      type: 'SAV',
      debut: '2026-11-04T08:00',
      fin: '2026-11-04T12:00',
      motif: 'Formation des techniciens',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ perimetre: '75056', type: 'SAV', motif: 'Formation des techniciens', creePar: AGENT });
    expect(created.body.conflits).toEqual([expect.objectContaining({ idRendezVous: booked.idRendezVous, operateur: 'OPA1', commune: '75056', type: 'SAV' })]);
    expect(await auditCount()).toBe(before + 1);

    expect(await esav('2026-11-04')).toEqual(['14:00', '16:00']);
    expect(await interopSearch('2026-11-04')).toEqual(['14:00', '16:00']);
    // The slot id an operator got before cannot be booked any more.
    const [ack2] = await opa.deposerSignalisationAsync(depositArgs({ referenceInterneOC: 'OC-CLOSED' }));
    const refused = await soapFault(opa.reserverCreneauAsync({ referenceSignalisation: ack2.referenceSignalisation, idCreneau: first!.idCreneau }));
    expect(refused).toMatchObject({ code: 320, champ: 'idCreneau' });

    const v = await view('2026-11-04');
    expect(v.total).toEqual({ capacite: 12, reserves: 1, libres: 6, fermes: 5, horsCapacite: 0, conflits: 1 });
    expect(v.aTraiter).toEqual([expect.objectContaining({ idRendezVous: booked.idRendezVous, raison: 'FERMETURE' })]);
    const listed = await t.admin('GET', '/admin/capacite/fermetures?commune=75056');
    expect(listed.body.fermetures).toEqual([expect.objectContaining({ id: created.body.id, conflits: [expect.objectContaining({ idRendezVous: booked.idRendezVous })] })]);

    const lifted = await t.admin('DELETE', `/admin/capacite/fermetures/${created.body.id}`, { agent: AGENT });
    expect(lifted.status).toBe(200);
    expect(await esav('2026-11-04')).toEqual(['08:00', '10:00', '14:00', '16:00']);
    expect((await view('2026-11-04')).total).toEqual({ capacite: 12, reserves: 1, libres: 11, fermes: 0, horsCapacite: 0, conflits: 0 });
    expect((await t.admin('DELETE', `/admin/capacite/fermetures/${created.body.id}`, { agent: AGENT })).status).toBe(404);
    await opa.annulerRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });
  });

  test('extra capacity adds slots on a day without any; deleting it takes them away', async () => {
    expect(await esav('2026-11-07')).toEqual([]); // a Saturday: no SAV
    const added = await t.admin('POST', '/admin/capacite/supplements', {
      agent: AGENT,
      commune: '75056',
      type: 'SAV',
      jour: '2026-11-07',
      debut: '09:00',
      fin: '13:00',
      dureeMinutes: 120,
      techniciens: 2,
      motif: 'Rattrapage après panne',
    });
    expect(added.status).toBe(201);
    expect(added.body.supplement).toMatchObject({ commune: '75056', jour: '2026-11-07', debut: '09:00', fin: '13:00', techniciens: 2, creePar: AGENT });
    expect(added.body.regeneration).toMatchObject({ communes: ['75056'], creneauxAjoutes: 4, creneauxRetires: 0, horsCapacite: [] });
    expect(await esav('2026-11-07')).toEqual(['09:00', '11:00']);
    expect(await interopSearch('2026-11-07')).toEqual(['09:00', '11:00']);
    expect((await view('2026-11-07')).total).toEqual({ capacite: 4, reserves: 0, libres: 4, fermes: 0, horsCapacite: 0, conflits: 0 });
    const listed = await t.admin('GET', '/admin/capacite/supplements?commune=75056&du=2026-11-07&au=2026-11-07');
    expect(listed.body.supplements).toHaveLength(1);

    const removed = await t.admin('DELETE', `/admin/capacite/supplements/${added.body.supplement.id}`, { agent: AGENT });
    expect(removed.status).toBe(200);
    expect(removed.body.regeneration).toMatchObject({ creneauxRetires: 4 });
    expect(await esav('2026-11-07')).toEqual([]);
  });

  test('a pattern change regenerates the future free slots and keeps a booked one, reported out of capacity', async () => {
    // Tuesday 14:00 booked first.
    const afternoon = (await esavSlots('2026-11-03')).find((s) => paris(s.debut).endsWith('14:00'))!;
    const [booked] = await opa.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: afternoon.idCreneau });

    const replaced = await t.admin('PUT', '/admin/capacite/plannings/75056/SAV', {
      agent: AGENT,
      plages: [1, 2, 3, 4, 5].map((jour) => ({ jour, debut: '08:00', fin: '12:00', dureeMinutes: 60, techniciens: 2 })),
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.plannings).toHaveLength(5);
    expect(replaced.body.regeneration.horsCapacite).toEqual([expect.objectContaining({ idRendezVous: booked.idRendezVous, type: 'SAV' })]);
    expect(await esav('2026-11-03')).toEqual(['08:00', '09:00', '10:00', '11:00']);
    // Today (Monday 10:00): the past windows are left alone, the later ones follow the new pattern.
    expect(await esav('2026-11-02')).toEqual(['11:00']);

    // The booked appointment is still there, on its slot.
    const [consulted] = await opa.consulterRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });
    expect(asList<{ statut: string }>(consulted.rendezVous)[0]).toMatchObject({ statut: 'RESERVE' });

    const v = await view('2026-11-03');
    expect(v.jours[0].creneaux.map((w: { debut: string; capacite: number; reserves: number; libres: number; horsCapacite: number }) => [paris(w.debut).slice(11), w.capacite, w.reserves, w.libres, w.horsCapacite])).toEqual([
      ['08:00', 2, 0, 2, 0],
      ['09:00', 2, 0, 2, 0],
      ['10:00', 2, 0, 2, 0],
      ['11:00', 2, 0, 2, 0],
      ['14:00', 0, 1, 0, 1],
    ]);
    expect(v.total).toEqual({ capacite: 8, reserves: 1, libres: 8, fermes: 0, horsCapacite: 1, conflits: 0 });
    expect(v.aTraiter).toEqual([expect.objectContaining({ idRendezVous: booked.idRendezVous, raison: 'HORS_CAPACITE' })]);

    // One line added (Tuesday afternoon, 1 technician): the booked slot fits again.
    const one = await t.admin('POST', '/admin/capacite/plannings/75056/SAV/plages', { agent: AGENT, jour: 2, debut: '14:00', fin: '16:00', dureeMinutes: 120, techniciens: 1 });
    expect(one.status).toBe(200);
    expect(one.body.regeneration.horsCapacite).toEqual([]);
    expect((await view('2026-11-03')).total).toMatchObject({ capacite: 9, reserves: 1, libres: 8, horsCapacite: 0 });

    // Back to the demo pattern: Tuesday offers its 2-hour windows again, 14:00 with its two free technicians.
    const restored = await t.admin('PUT', '/admin/capacite/plannings/75056/SAV', { agent: AGENT, plages: DEMO_SAV });
    expect(restored.status).toBe(200);
    expect(await esav('2026-11-03')).toEqual(['08:00', '10:00', '14:00', '16:00']);
    expect((await view('2026-11-03')).total).toEqual({ capacite: 12, reserves: 1, libres: 11, fermes: 0, horsCapacite: 0, conflits: 0 });
    await opa.annulerRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });
  });

  test('a provider non-working day removes the day’s slots of the zones it covers; removing it brings them back', async () => {
    expect(await esav('2026-11-05')).toEqual(['08:00', '10:00', '14:00', '16:00']);
    expect(await esav('2026-11-05', 'EXPERTISE_CONTRADICTOIRE')).toEqual(['14:00']);
    const added = await t.admin('POST', '/admin/capacite/jours-non-travailles', { agent: AGENT, jour: '2026-11-05', perimetre: '75', libelle: 'Fête locale' });
    expect(added.status).toBe(201);
    expect(added.body.jour).toMatchObject({ jour: '2026-11-05', source: 'FOURNISSEUR', perimetre: '75', libelle: 'Fête locale', creePar: AGENT });
    expect(added.body.regeneration).toMatchObject({ communes: ['75056'], creneauxRetires: 18 });
    expect(await esav('2026-11-05')).toEqual([]);
    expect(await esav('2026-11-05', 'EXPERTISE_CONTRADICTOIRE')).toEqual([]);
    expect(await interopSearch('2026-11-05')).toEqual([]);
    expect((await view('2026-11-05')).jours[0]).toMatchObject({ ferie: 'Fête locale', capacite: 0, libres: 0 });

    const again = await t.admin('POST', '/admin/capacite/jours-non-travailles', { agent: AGENT, jour: '2026-11-05', perimetre: '75', libelle: 'Doublon' });
    expect(again.status).toBe(409);

    const list = await t.admin('GET', '/admin/capacite/jours-non-travailles?annee=2026&commune=75056');
    expect(list.status).toBe(200);
    expect(list.body.jours.filter((d: { jour: string }) => d.jour.startsWith('2026-11'))).toEqual([
      expect.objectContaining({ jour: '2026-11-01', source: 'NATIONAL', libelle: 'Toussaint', id: null }),
      expect.objectContaining({ jour: '2026-11-05', source: 'FOURNISSEUR', libelle: 'Fête locale', id: added.body.jour.id }),
      expect.objectContaining({ jour: '2026-11-11', source: 'NATIONAL', libelle: 'Armistice 1918' }),
    ]);
    // Lyon (69) is not covered.
    const lyon = await t.admin('GET', '/admin/capacite/jours-non-travailles?annee=2026&commune=69123');
    expect(lyon.body.jours.some((d: { jour: string }) => d.jour === '2026-11-05')).toBe(false);

    const removed = await t.admin('DELETE', `/admin/capacite/jours-non-travailles/${added.body.jour.id}`, { agent: AGENT });
    expect(removed.status).toBe(200);
    expect(removed.body.regeneration).toMatchObject({ creneauxAjoutes: 18 });
    expect(await esav('2026-11-05')).toEqual(['08:00', '10:00', '14:00', '16:00']);
  });

  test('bad input → 400 naming the field, nothing changed, nothing audited', async () => {
    const before = await auditCount();
    const patterns = (await t.admin('GET', '/admin/capacite/plannings?commune=75056')).body;
    const cases: Array<[string, string, unknown, string]> = [
      ['PUT', '/admin/capacite/plannings/75056/SAV', { agent: AGENT, plages: [{ jour: 1, debut: '08:00', fin: '12:00', dureeMinutes: 60, techniciens: 1 }, { jour: 1, debut: '11:00', fin: '13:00', dureeMinutes: 60, techniciens: 1 }] }, 'plages[1]'],
      ['PUT', '/admin/capacite/plannings/75056/SAV', { agent: AGENT, plages: [{ jour: 1, debut: '25:00', fin: '12:00', dureeMinutes: 60, techniciens: 1 }] }, 'plages.0.debut'],
      ['PUT', '/admin/capacite/plannings/75056/SAV', { agent: AGENT, plages: [{ jour: 1, debut: '08:00', fin: '09:00', dureeMinutes: 90, techniciens: 1 }] }, 'plages[0].dureeMinutes'],
      ['PUT', '/admin/capacite/plannings/7505/SAV', { agent: AGENT, plages: [] }, 'commune'],
      ['PUT', '/admin/capacite/plannings/75056/RDV', { agent: AGENT, plages: [] }, 'type'],
      ['PUT', '/admin/capacite/plannings/75056/SAV', { plages: [] }, 'agent'],
      ['POST', '/admin/capacite/fermetures', { agent: AGENT, debut: '2026-11-04T08:00', fin: 'demain', motif: 'x' }, 'fin'],
      ['POST', '/admin/capacite/fermetures', { agent: AGENT, perimetre: '7', debut: '2026-11-04', fin: '2026-11-04', motif: 'x' }, 'perimetre'],
      ['POST', '/admin/capacite/fermetures', { agent: AGENT, debut: '2026-11-04T12:00', fin: '2026-11-04T08:00', motif: 'x' }, 'fin'],
      ['POST', '/admin/capacite/supplements', { agent: AGENT, commune: '75056', type: 'SAV', jour: '2026-11-07', debut: '09:00', fin: '13:00', dureeMinutes: 120, techniciens: 0 }, 'techniciens'],
      ['POST', '/admin/capacite/supplements', { agent: AGENT, commune: '75056', type: 'SAV', jour: '2026-10-07', debut: '09:00', fin: '13:00', dureeMinutes: 120, techniciens: 1 }, 'jour'],
      ['POST', '/admin/capacite/jours-non-travailles', { agent: AGENT, jour: '2026-02-30', libelle: 'x' }, 'jour'],
      ['GET', '/admin/capacite/vue?commune=75056&du=2026-11-10&au=2026-11-01', undefined, 'au'],
    ];
    for (const [method, url, body, field] of cases) {
      const answer = await t.admin(method, url, body);
      expect({ url, status: answer.status }).toEqual({ url, status: 400 });
      expect(answer.body.erreur).toContain(field);
    }
    expect((await t.admin('GET', '/admin/capacite/plannings?commune=75056')).body).toEqual(patterns);
    expect((await t.admin('GET', '/admin/capacite/fermetures')).body.fermetures).toEqual([]);
    expect(await auditCount()).toBe(before);
    expect(await esav('2026-11-04')).toEqual(['08:00', '10:00', '14:00', '16:00']);
  });

  test('every change is in the audit log with the agent', async () => {
    const rows = await t.db.query<{ actor: string; action: string }>(
      `SELECT actor, action FROM audit_log WHERE action LIKE 'CAPACITE_%' OR action LIKE 'JOUR_NON_%' ORDER BY id`,
    );
    expect(new Set(rows.map((r) => r.actor))).toEqual(new Set([AGENT]));
    expect(rows.map((r) => r.action)).toEqual([
      'CAPACITE_FERMETURE_AJOUTEE',
      'CAPACITE_FERMETURE_SUPPRIMEE',
      'CAPACITE_SUPPLEMENT_AJOUTE',
      'CAPACITE_SUPPLEMENT_SUPPRIME',
      'CAPACITE_PLANNING_REMPLACE',
      'CAPACITE_PLANNING_MODIFIE',
      'CAPACITE_PLANNING_REMPLACE',
      'JOUR_NON_TRAVAILLE_AJOUTE',
      'JOUR_NON_TRAVAILLE_SUPPRIME',
    ]);
  });

  test('the lists of patterns and of extra capacity come by pages (keyset, `limite` and `suivant`), never every commune at once', async () => {
    /** Every page of a list, following `suivant`, with the size of each. */
    async function pages(path: string, key: string, limite: number): Promise<{ items: unknown[]; sizes: number[] }> {
      const items: unknown[] = [];
      const sizes: number[] = [];
      let apres: string | null = null;
      do {
        const answer = await t.admin('GET', `${path}${path.includes('?') ? '&' : '?'}limite=${limite}${apres ? `&apres=${encodeURIComponent(apres)}` : ''}`);
        expect(answer.status).toBe(200);
        items.push(...answer.body[key]);
        sizes.push(answer.body[key].length);
        apres = answer.body.suivant;
      } while (apres !== null && sizes.length < 100);
      return { items, sizes };
    }

    // Patterns: all communes, 7 lines a page; the pages put end to end are the whole list, in order.
    const all = await t.admin('GET', '/admin/capacite/plannings?limite=5000');
    expect(all.body.suivant).toBeNull();
    const total = all.body.plannings.length;
    expect(total).toBeGreaterThan(14);
    expect(new Set(all.body.plannings.map((p: { commune: string }) => p.commune)).size).toBeGreaterThan(1);
    const paged = await pages('/admin/capacite/plannings', 'plannings', 7);
    expect(paged.items).toEqual(all.body.plannings);
    // Full pages, then the rest (`suivant` is null on the last: no empty page to ask).
    expect(paged.sizes).toEqual([...Array(Math.ceil(total / 7) - 1).fill(7), total - 7 * (Math.ceil(total / 7) - 1)]);
    // A page says where the next one starts: its last line.
    const first = await t.admin('GET', '/admin/capacite/plannings?limite=2');
    expect(first.body.suivant).toBe(`${first.body.plannings[1].commune}/${first.body.plannings[1].type}/${first.body.plannings[1].jour}/${first.body.plannings[1].debut}`);

    // Extra capacity: three on two days, one a page, in (day, start, number) order.
    for (const [jour, debut, fin] of [['2026-11-21', '14:00', '16:00'], ['2026-11-21', '09:00', '11:00'], ['2026-11-20', '09:00', '11:00']] as const) {
      const added = await t.admin('POST', '/admin/capacite/supplements', { agent: AGENT, commune: '75056', type: 'SAV', jour, debut, fin, dureeMinutes: 120, techniciens: 1 });
      expect(added.status).toBe(201);
    }
    const extras = await pages('/admin/capacite/supplements?commune=75056&du=2026-11-20', 'supplements', 1);
    expect(extras.sizes).toEqual([1, 1, 1]);
    expect(extras.items.map((e) => `${(e as { jour: string }).jour} ${(e as { debut: string }).debut}`)).toEqual(['2026-11-20 09:00', '2026-11-21 09:00', '2026-11-21 14:00']);

    // A bad page: 400 naming the parameter.
    for (const [url, field] of [
      ['/admin/capacite/plannings?limite=0', 'limite'],
      ['/admin/capacite/plannings?limite=5001', 'limite'],
      ['/admin/capacite/plannings?apres=75056', 'apres'],
      ['/admin/capacite/supplements?apres=2026-11-21/09:00/x', 'apres'],
    ] as const) {
      const answer = await t.admin('GET', url);
      expect({ url, status: answer.status }).toEqual({ url, status: 400 });
      expect(answer.body.erreur).toContain(field);
    }
  });
  test('the closures come by pages (keyset, `limite` and `suivant`), each with its first 20 booked appointments and their total, read for the page at once', async () => {
    // Booked appointments in March 2027 (away from the other tests): 10 in 13001, 25 in 69001, and
    // a cancelled one (not to handle). Booked through Interop'Fibre: no ticket needed.
    await t.db.query(
      `WITH s AS (
         INSERT INTO rdv_creneaux (code_insee, type_rdv, debut, fin, technicien)
         SELECT v.z, 'SAV', '2027-03-02T07:00:00Z'::timestamptz + g * interval '1 hour', '2027-03-02T08:00:00Z'::timestamptz + g * interval '1 hour', 1
           FROM (VALUES ('13001', 10), ('69001', 25), ('69002', 1)) AS v(z, n), generate_series(1, v.n) g
         RETURNING id, type_rdv, code_insee)
       INSERT INTO rdv_rendezvous (operator_code, creneau_id, type_rdv, statut, canal, reserve_le, modifie_le, annule_le)
       SELECT 'OPB2', id, type_rdv, CASE WHEN code_insee = '69002' THEN 'ANNULE' ELSE 'RESERVE' END, 'INTEROP', now(), now(),
              CASE WHEN code_insee = '69002' THEN now() END FROM s`,
    );
    const close = async (perimetre: string | null, debut: string, fin: string) => {
      const created = await t.admin('POST', '/admin/capacite/fermetures', { agent: AGENT, ...(perimetre ? { perimetre } : {}), debut, fin, motif: `fermeture ${perimetre ?? 'nationale'}` });
      expect(created.status).toBe(201);
      return created.body;
    };
    // A national closure: every booked appointment of the country in its period — 35 —, 20 listed.
    const national = await close(null, '2027-03-02', '2027-03-04');
    expect(national.conflits).toHaveLength(20);
    expect(national.conflitsTotal).toBe(35);
    // Listed by start, then commune: the first hours have both communes.
    expect(national.conflits.slice(0, 4).map((b: { commune: string; debut: string }) => `${b.debut.slice(11, 16)} ${b.commune}`)).toEqual([
      '08:00 13001', '08:00 69001', '09:00 13001', '09:00 69001',
    ]);
    const audit = await t.db.query<{ details: { conflits: unknown[]; conflitsTotal: number } }>(
      `SELECT details FROM audit_log WHERE action = 'CAPACITE_FERMETURE_AJOUTEE' AND details->>'id' = $1`, [String(national.id)],
    );
    expect(audit[0]!.details.conflits).toHaveLength(20);
    expect(audit[0]!.details.conflitsTotal).toBe(35);
    const department = await close('69', '2027-03-02', '2027-03-03');
    const commune = await close('13001', '2027-03-01', '2027-03-05');
    expect([department.conflitsTotal, department.conflits.length, commune.conflitsTotal, commune.conflits.length]).toEqual([25, 20, 10, 10]);
    // Four more without any appointment (different starts; two at the same start: the id decides).
    const empty = [await close('33063', '2027-03-10', '2027-03-11'), await close('33063', '2027-03-10', '2027-03-12'), await close('44109', '2027-03-20', '2027-03-21'), await close('59350', '2027-03-01', '2027-03-02')];
    expect(empty.map((c) => c.conflitsTotal)).toEqual([0, 0, 0, 0]);

    const whole = await t.admin('GET', '/admin/capacite/fermetures?du=2027-03-01&limite=500');
    expect(whole.status).toBe(200);
    expect(whole.body.suivant).toBeNull();
    // In (start, id) order.
    expect(whole.body.fermetures.map((c: { id: number }) => c.id)).toEqual([commune.id, empty[3].id, national.id, department.id, empty[0].id, empty[1].id, empty[2].id]);
    expect(whole.body.fermetures.find((c: { id: number }) => c.id === national.id)).toEqual(national);

    // Two a page: the pages end to end are the whole list; `suivant` is the last one's start/number.
    const pages: unknown[][] = [];
    let apres: string | null = null;
    do {
      const page = await t.admin('GET', `/admin/capacite/fermetures?du=2027-03-01&limite=2${apres ? `&apres=${encodeURIComponent(apres)}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(page.body.fermetures);
      const last = page.body.fermetures.at(-1);
      if (page.body.suivant !== null) expect(page.body.suivant).toBe(`${last.debut}/${last.id}`);
      apres = page.body.suivant;
    } while (apres !== null && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(whole.body.fermetures);
    // By commune: those that cover it (national, department), paged the same way.
    const lyon = await t.admin('GET', '/admin/capacite/fermetures?commune=69001&du=2027-03-01&limite=1');
    expect(lyon.body.fermetures.map((c: { id: number }) => c.id)).toEqual([national.id]);
    const lyon2 = await t.admin('GET', `/admin/capacite/fermetures?commune=69001&du=2027-03-01&limite=1&apres=${encodeURIComponent(lyon.body.suivant)}`);
    expect(lyon2.body).toEqual({ fermetures: [department], suivant: null });

    // The CLI pages alike.
    let out = '';
    const code = await runCli(['--url', t.adminUrl, '--token', t.adminToken, 'capacite', 'fermetures', '--du', '2027-03-01', '--limite', '3'], {
      env: {},
      out: (text) => (out += `${text}\n`),
      err: () => undefined,
    });
    expect(code).toBe(0);
    expect(out).toContain(`fermeture ${national.id} : … et 15 autres`);
    expect(out).toContain(`(suite : --apres ${national.debut}/${national.id})`);
    expect(out).not.toContain(`fermeture ${department.id}`);

    // A bad page: 400 naming the parameter.
    for (const [url, field] of [
      ['/admin/capacite/fermetures?limite=0', 'limite'],
      ['/admin/capacite/fermetures?limite=501', 'limite'],
      ['/admin/capacite/fermetures?apres=2027-03-01/3', 'apres'],
    ] as const) {
      const answer = await t.admin('GET', url);
      expect({ url, status: answer.status }).toEqual({ url, status: 400 });
      expect(answer.body.erreur).toContain(field);
    }
    for (const c of [national, department, commune, ...empty]) expect((await t.admin('DELETE', `/admin/capacite/fermetures/${c.id}`, { agent: AGENT })).status).toBe(200);
  });
});
