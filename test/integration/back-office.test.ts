// The back-office admin API over HTTP, on the real stack: its own port and bearer token, the SAV
// driving tickets through the state machine of spec §2.3 (every allowed and every forbidden
// transition), comments and history restituted to the operator over SOAP, concurrent changes of
// one ticket, and the dashboard sweep (on request, concurrent, scheduled; the scheduler itself:
// test/integration/scheduler.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/composition/config/config.js';
import { SettableClock } from '../../src/domain/clock.js';
import { canTransition, ETATS, isTerminal, type Etat } from '../../src/domain/signalisation.js';
import { depositArgs, enteteRequete, rawPost, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import type soap from 'soap';

/** The support staff member every back-office move and comment names (audit log). */
const AGENT = 'M. Martin';

const describeDb = await describeWithPostgres();
const DAY = 24 * 3600_000;
const START = '2026-03-02T09:00:00+01:00'; // a Monday; form FTTH_PASSIF v1 live for months

const asList = <T>(v: T | T[] | undefined | ''): T[] => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

/** What a transition to `etat` needs besides the state (cause, reason, what GELE waits for). */
function extrasFor(etat: Etat): Record<string, string> {
  if (etat === 'CLOS') return { causeCloture: 'REPARATION_FIBRE' };
  if (etat === 'EN_REJET') return { motif: 'Prestation hors périmètre' };
  if (etat === 'GELE') return { attente: 'INFORMATION', motif: 'Information manquante' };
  return {};
}

/** SAV steps from EN_DEPOT to each state (CLOS_TABLEAU_DE_BORD needs the sweep as well). */
const PATHS: Record<Etat, Etat[]> = {
  EN_DEPOT: [],
  EN_QUALIFICATION: ['EN_QUALIFICATION'],
  EN_COURS: ['EN_QUALIFICATION', 'EN_COURS'],
  GELE: ['EN_QUALIFICATION', 'EN_COURS', 'GELE'],
  CLOS: ['EN_QUALIFICATION', 'EN_COURS', 'CLOS'],
  VALIDE: ['EN_QUALIFICATION', 'EN_COURS', 'CLOS', 'VALIDE'],
  CLOS_TABLEAU_DE_BORD: ['EN_QUALIFICATION', 'EN_COURS', 'CLOS'],
  EN_REJET: ['EN_REJET'],
};

interface HistoryRow {
  date: string;
  de: Etat | null;
  vers: Etat;
  acteur: string;
  motif: string | null;
}

describeDb('back-office admin API', () => {
  let t: TestGateway;
  let opa: soap.Client;

  beforeAll(async () => {
    t = await startTestGateway({ clock: new SettableClock(START) });
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function deposit(): Promise<string> {
    const [ack] = await opa.deposerSignalisationAsync(depositArgs());
    return ack.referenceSignalisation as string;
  }

  async function transition(reference: string, etat: Etat, extra: Record<string, string> = extrasFor(etat)) {
    return t.admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat, ...extra });
  }

  async function move(reference: string, steps: Etat[]): Promise<void> {
    for (const etat of steps) {
      const response = await transition(reference, etat);
      expect({ etat, ...response }).toMatchObject({ etat, status: 200 });
    }
  }

  async function ticketIn(etat: Etat): Promise<string> {
    const reference = await deposit();
    await move(reference, PATHS[etat]);
    return reference;
  }

  async function detail(reference: string) {
    const response = await t.admin('GET', `/admin/signalisations/${reference}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function operatorDetail(reference: string) {
    const [answer] = await opa.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    return answer.signalisation;
  }

  /** Every row follows from the previous one by an allowed transition of its actor. */
  function expectValidChain(history: HistoryRow[]): void {
    expect(history[0]).toMatchObject({ de: null, vers: 'EN_DEPOT', acteur: 'OPERATEUR' });
    for (let i = 1; i < history.length; i++) {
      const row = history[i]!;
      expect({ i, de: row.de }).toEqual({ i, de: history[i - 1]!.vers });
      expect({ i, row, allowed: canTransition(row.de!, row.vers, row.acteur as 'SAV') }).toMatchObject({ allowed: true });
    }
  }

  describe('access', () => {
    test('401 without a token, with a wrong one or another scheme; /health/live is open', async () => {
      for (const token of [null, 'wrong-token-0123456789', `${t.adminToken}x`, '']) {
        const response = await t.admin('GET', '/admin/signalisations?operateur=OPA1', undefined, token);
        expect(response.status).toBe(401);
        expect(response.body.erreur).toMatch(/authentification requise/);
      }
      const basic = await fetch(`${t.adminUrl}/admin/signalisations?operateur=OPA1`, {
        headers: { authorization: `Basic ${Buffer.from(`sav:${t.adminToken}`).toString('base64')}` },
      });
      expect(basic.status).toBe(401);
      const unknownRoute = await t.admin('GET', '/admin/nothing-here', undefined, null);
      expect(unknownRoute.status).toBe(401);
      const post = await t.admin('POST', '/admin/balayages', undefined, 'nope-nope-nope-nope');
      expect(post.status).toBe(401);

      const health = await t.admin('GET', '/health/live', undefined, null);
      expect(health).toEqual({ status: 200, body: { status: 'ok' } });
    });

    test('the generated token is kept in <dataDir>/admin-token, mode 0600', () => {
      const file = path.join(t.config.dataDir, 'admin-token');
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(t.adminToken);
      expect(t.adminToken).toMatch(/^[0-9a-f]{64}$/);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    });

    test('the admin API is on its own plain-HTTP port, not the operators’ mTLS one', async () => {
      const admin = new URL(t.adminUrl);
      expect(admin.protocol).toBe('http:');
      expect(Number(admin.port)).not.toBe(t.gateway.port);
      // The operators' port speaks TLS only, and has no admin route even with a client certificate.
      await expect(fetch(`http://127.0.0.1:${t.gateway.port}/health/live`)).rejects.toThrow();
      const overMtls = await rawPost(`https://localhost:${t.gateway.port}/admin/balayages`, t.tlsFor('OPA1'), '{}', {
        'content-type': 'application/json',
        authorization: `Bearer ${t.adminToken}`,
      });
      expect(overMtls.status).toBe(404);
    });

    test('one log line per admin request, never the token', async () => {
      const before = t.logs.length;
      await t.admin('GET', '/admin/signalisations?operateur=OPA1&limite=1');
      await t.admin('GET', '/admin/signalisations?operateur=OPA1', undefined, 'wrong-token-0123456789');
      const lines = t.logs
        .slice(before)
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'admin request');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ api: 'admin', method: 'GET', path: '/admin/signalisations', status: 200 });
      expect(lines[1]).toMatchObject({ status: 401 });
      expect(typeof lines[0].durationMs).toBe('number');
      expect(t.logs.some((l) => l.includes(t.adminToken))).toBe(false);
    });
  });

  describe('requests', () => {
    test('schema errors are 400 with a readable message', async () => {
      const reference = await deposit();
      const cases: Array<[string, string, unknown, RegExp]> = [
        ['POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat: 'FINI' }, /etat : valeur inconnue \(attendu : EN_DEPOT, .*EN_REJET\)/],
        ['POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT }, /champ etat obligatoire/],
        ['POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat: 'EN_QUALIFICATION', foo: 1 }, /champ foo inconnu/],
        ['POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat: 'GELE', attente: 'SOLEIL' }, /attente : valeur inconnue/],
        ['POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat: 'CLOS', causeCloture: 'pas un code' }, /causeCloture : format invalide/],
        ['POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat: 'EN_QUALIFICATION', attente: 'INFORMATION' }, /attente ne s’applique qu’à/],
        ['POST', `/admin/signalisations/${reference}/commentaires`, { agent: AGENT, texte: '' }, /texte : trop court/],
        ['POST', `/admin/signalisations/${reference}/commentaires`, { agent: AGENT, texte: 'x'.repeat(2001) }, /texte : trop long/],
        ['GET', '/admin/signalisations', undefined, /champ operateur obligatoire/],
        ['GET', '/admin/signalisations?operateur=OPA1&etat=NOPE', undefined, /etat : valeur inconnue/],
        ['GET', '/admin/signalisations?operateur=OPA1&limite=0', undefined, /limite : doit être ≥ 1/],
        ['GET', '/admin/signalisations?operateur=OPA1&tri=x', undefined, /champ tri inconnu/],
        ['GET', '/admin/signalisations/..%2Fetc', undefined, /format invalide/],
      ];
      for (const [method, url, body, message] of cases) {
        const response = await t.admin(method, url, body);
        expect({ url, body, status: response.status, erreur: response.body.erreur }).toMatchObject({ status: 400, erreur: expect.stringMatching(message) });
      }
      const bad = await fetch(`${t.adminUrl}/admin/signalisations/${reference}/transitions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
        body: '{"etat":',
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { erreur: string }).erreur).toMatch(/JSON illisible/);
      expect((await detail(reference)).historique).toHaveLength(1);

      // An empty JSON body is no body: fine where none is expected, refused where one is.
      const emptyJson = (url: string) =>
        fetch(`${t.adminUrl}${url}`, { method: 'POST', headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' } });
      expect((await emptyJson('/admin/balayages')).status).toBe(200);
      const noBody = await emptyJson(`/admin/signalisations/${reference}/transitions`);
      expect(noBody.status).toBe(400);
      expect(await noBody.json()).toEqual({ erreur: 'requête invalide : corps JSON (un objet) attendu' });
    });

    test('unknown reference → 404 on every route', async () => {
      const unknown = 'SIG-9999999999';
      for (const [method, url, body] of [
        ['GET', `/admin/signalisations/${unknown}`, undefined],
        ['POST', `/admin/signalisations/${unknown}/transitions`, { agent: AGENT, etat: 'EN_QUALIFICATION' }],
        ['POST', `/admin/signalisations/${unknown}/commentaires`, { agent: AGENT, texte: 'Bonjour' }],
      ] as const) {
        const response = await t.admin(method, url, body);
        expect(response).toEqual({ status: 404, body: { erreur: `signalisation ${unknown} inconnue` } });
      }
    });

    test('detail: fields, prestation, history and comments with ISO-8601 dates', async () => {
      const reference = await deposit();
      const d = await detail(reference);
      expect(d).toMatchObject({
        reference,
        operateur: 'OPA1',
        identifiantPrestation: 'FI-1000-0001',
        offre: 'FTTH_PASSIF',
        etat: 'EN_DEPOT',
        dateEtat: new Date(START).toISOString(),
        dateDepot: new Date(START).toISOString(),
        garantie: { code: 'GTR_STANDARD' },
        prestation: { identifiant: 'FI-1000-0001', offre: 'FTTH_PASSIF', codeInsee: '75056' },
        historique: [{ date: new Date(START).toISOString(), de: null, vers: 'EN_DEPOT', acteur: 'OPERATEUR' }],
        commentaires: [],
      });
      expect(d).not.toHaveProperty('id');
    });

    test('list: one operator, state filters, limit, most recent first', async () => {
      const enCours = await ticketIn('EN_COURS');
      const gele = await ticketIn('GELE');
      const depot = await deposit();
      const both = await t.admin('GET', '/admin/signalisations?operateur=OPA1&etat=EN_COURS&etat=GELE&limite=500');
      expect(both.status).toBe(200);
      const refs = both.body.signalisations.map((s: { reference: string }) => s.reference);
      expect(refs).toEqual(expect.arrayContaining([enCours, gele]));
      expect(refs).not.toContain(depot);
      expect(new Set(both.body.signalisations.map((s: { etat: string }) => s.etat))).toEqual(new Set(['EN_COURS', 'GELE']));
      expect(refs.indexOf(gele)).toBeLessThan(refs.indexOf(enCours));

      const one = await t.admin('GET', '/admin/signalisations?operateur=OPA1&etat=GELE');
      expect(one.body.signalisations.every((s: { etat: string; operateur: string }) => s.etat === 'GELE' && s.operateur === 'OPA1')).toBe(true);
      const limited = await t.admin('GET', '/admin/signalisations?operateur=OPA1&limite=2');
      expect(limited.body.signalisations.map((s: { reference: string }) => s.reference)).toEqual([depot, gele]);
      const other = await t.admin('GET', '/admin/signalisations?operateur=OPB2');
      expect(other.body.signalisations.map((s: { reference: string }) => s.reference)).not.toContain(depot);
    });
  });

  describe('life cycle', () => {
    test('EN_DEPOT → … → VALIDE: history (from, to, SAV, motif) and SAV comments in the operator’s detail', async () => {
      const reference = await deposit();
      const steps: Array<[Etat, Record<string, string>]> = [
        ['EN_QUALIFICATION', { motif: 'Recevable' }],
        ['EN_COURS', { motif: 'Technicien affecté' }],
        ['GELE', { attente: 'INFORMATION', motif: 'Code d’accès manquant' }],
        ['EN_COURS', { motif: 'Code reçu' }],
        ['CLOS', { causeCloture: 'REPARATION_FIBRE', motif: 'Soudure refaite au PBO' }],
        ['VALIDE', { motif: 'Avis de clôture envoyé' }],
      ];
      let previous: Etat = 'EN_DEPOT';
      for (const [etat, extra] of steps) {
        t.clock.advance(3600_000);
        const response = await transition(reference, etat, extra);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ reference, etat, dateEtat: t.clock.now().toISOString(), motif: extra.motif });
        if (etat === 'GELE') expect(response.body.attente).toBe('INFORMATION');
        else expect(response.body.attente).toBeNull();
        previous = etat;
      }
      expect(previous).toBe('VALIDE');
      const comment = await t.admin('POST', `/admin/signalisations/${reference}/commentaires`, { agent: AGENT, texte: 'Intervention terminée, merci de confirmer.' });
      expect(comment.status).toBe(200);
      expect(comment.body).toMatchObject({ reference, etat: 'VALIDE' });

      const admin = await detail(reference);
      expect(admin).toMatchObject({ etat: 'VALIDE', causeCloture: 'REPARATION_FIBRE' });
      expect(admin.commentaires).toEqual([{ date: t.clock.now().toISOString(), auteur: 'SAV', texte: 'Intervention terminée, merci de confirmer.' }]);

      const s = await operatorDetail(reference);
      expect(s.etat).toBe('VALIDE');
      expect(s.causeCloture).toBe('REPARATION_FIBRE');
      const history = asList<Record<string, string>>(s.historique.changementEtat);
      expect(history.map((h) => [h.etatPrecedent, h.etat, h.acteur, h.motif])).toEqual([
        [undefined, 'EN_DEPOT', 'OPERATEUR', expect.anything()],
        ['EN_DEPOT', 'EN_QUALIFICATION', 'SAV', 'Recevable'],
        ['EN_QUALIFICATION', 'EN_COURS', 'SAV', 'Technicien affecté'],
        ['EN_COURS', 'GELE', 'SAV', 'Code d’accès manquant'],
        ['GELE', 'EN_COURS', 'SAV', 'Code reçu'],
        ['EN_COURS', 'CLOS', 'SAV', 'Soudure refaite au PBO'],
        ['CLOS', 'VALIDE', 'SAV', 'Avis de clôture envoyé'],
      ]);
      const comments = asList<Record<string, string>>(s.commentaires?.commentaire);
      expect(comments).toHaveLength(1);
      expect(comments[0]).toMatchObject({ auteur: 'SAV', texte: 'Intervention terminée, merci de confirmer.' });
    });

    test('every allowed SAV transition from every state is applied, with its history row', async () => {
      const allowed = ETATS.flatMap((from) => ETATS.filter((to) => canTransition(from, to, 'SAV')).map((to) => [from, to] as const));
      expect(allowed).toHaveLength(9);
      for (const [from, to] of allowed) {
        const reference = await ticketIn(from);
        const response = await transition(reference, to);
        expect({ from, to, status: response.status, etat: response.body.etat }).toEqual({ from, to, status: 200, etat: to });
        const history: HistoryRow[] = (await detail(reference)).historique;
        expect(history.at(-1)).toMatchObject({ de: from, vers: to, acteur: 'SAV' });
        expectValidChain(history);
      }
    });

    test('every forbidden SAV transition from every state is refused (409) and changes nothing', async () => {
      // CLOS_TABLEAU_DE_BORD is reached by the system only: a CLOS ticket past the delay, swept.
      const filed = await ticketIn('CLOS_TABLEAU_DE_BORD');
      t.clock.advance(16 * DAY);
      const sweep = await t.admin('POST', '/admin/balayages');
      expect(sweep.body.deplacees).toContain(filed);

      let refusals = 0;
      for (const from of ETATS) {
        const reference = from === 'CLOS_TABLEAU_DE_BORD' ? filed : await ticketIn(from);
        const before = await detail(reference);
        expect(before.etat).toBe(from);
        for (const to of ETATS) {
          if (canTransition(from, to, 'SAV')) continue;
          if (isTerminal(from)) expect(ETATS.some((x) => canTransition(from, x, 'SAV'))).toBe(false);
          const response = await transition(reference, to);
          expect({ from, to, status: response.status, erreur: response.body.erreur }).toEqual({
            from,
            to,
            status: 409,
            erreur: `refusé : transition ${from} → ${to} non autorisée (SAV)`,
          });
          expect(await detail(reference)).toEqual(before);
          refusals++;
        }
      }
      expect(refusals).toBe(ETATS.length * ETATS.length - 9);
    });

    test('closing without a cause is refused with a clear message', async () => {
      for (const from of ['EN_COURS', 'GELE'] as const) {
        const reference = await ticketIn(from);
        const response = await transition(reference, 'CLOS', {});
        expect(response.status).toBe(409);
        expect(response.body.erreur).toBe('refusé : une cause de clôture est requise pour clore la signalisation');
        expect((await detail(reference)).etat).toBe(from);
      }
      const rejected = await transition(await deposit(), 'EN_REJET', {});
      expect(rejected).toMatchObject({ status: 409, body: { erreur: 'refusé : un motif est requis pour rejeter la signalisation' } });
    });

    test('20 concurrent transitions on one ticket keep a valid chain of states', async () => {
      const reference = await ticketIn('EN_COURS');
      const requests = Array.from({ length: 20 }, (_, i) => transition(reference, i % 2 === 0 ? 'GELE' : 'EN_COURS'));
      const responses = await Promise.all(requests);
      for (const r of responses) expect([200, 409]).toContain(r.status);
      const applied = responses.filter((r) => r.status === 200).length;
      expect(applied).toBeGreaterThan(0);

      const d = await detail(reference);
      const history: HistoryRow[] = d.historique;
      expectValidChain(history);
      expect(history).toHaveLength(3 + applied); // EN_DEPOT, EN_QUALIFICATION, EN_COURS + each applied change
      expect(d.etat).toBe(history.at(-1)!.vers);
      expect(d.attente).toBe(d.etat === 'GELE' ? 'INFORMATION' : null);
      // The operator sees the same chain.
      const operatorHistory = asList<Record<string, string>>((await operatorDetail(reference)).historique.changementEtat);
      expect(operatorHistory.map((h) => h.etat)).toEqual(history.map((h) => h.vers));
    });
  });

  describe('dashboard sweep', () => {
    test('CLOS and VALIDE tickets older than the delay go to CLOS_TABLEAU_DE_BORD (SYSTEME); recent ones stay', async () => {
      const clos = await ticketIn('CLOS');
      const valide = await ticketIn('VALIDE');
      t.clock.advance(15 * DAY + 60_000);
      const recent = await ticketIn('CLOS');
      const enCours = await ticketIn('EN_COURS');

      const response = await t.admin('POST', '/admin/balayages');
      expect(response.status).toBe(200);
      expect(response.body.deplacees).toEqual(expect.arrayContaining([clos, valide]));
      expect(response.body.deplacees).not.toContain(recent);
      expect(response.body.deplacees).not.toContain(enCours);

      for (const [reference, from] of [[clos, 'CLOS'], [valide, 'VALIDE']] as const) {
        const d = await detail(reference);
        expect(d.etat).toBe('CLOS_TABLEAU_DE_BORD');
        expect(d.historique.at(-1)).toMatchObject({ de: from, vers: 'CLOS_TABLEAU_DE_BORD', acteur: 'SYSTEME', date: t.clock.now().toISOString() });
        expectValidChain(d.historique);
      }
      expect((await detail(recent)).etat).toBe('CLOS');
      const again = await t.admin('POST', '/admin/balayages');
      expect(again.body.deplacees).not.toContain(clos);
    });

    test('two sweeps at once file each ticket once', async () => {
      const due = [await ticketIn('CLOS'), await ticketIn('VALIDE'), await ticketIn('CLOS'), await ticketIn('VALIDE')];
      t.clock.advance(16 * DAY);
      const [a, b] = await Promise.all([t.admin('POST', '/admin/balayages'), t.admin('POST', '/admin/balayages')]);
      expect([a!.status, b!.status]).toEqual([200, 200]);
      const all: string[] = [...a!.body.deplacees, ...b!.body.deplacees];
      expect(new Set(all).size).toBe(all.length);
      expect(all).toEqual(expect.arrayContaining(due));
      for (const reference of due) {
        const d = await detail(reference);
        expect(d.etat).toBe('CLOS_TABLEAU_DE_BORD');
        expect(d.historique.filter((h: HistoryRow) => h.vers === 'CLOS_TABLEAU_DE_BORD')).toHaveLength(1);
      }
    });
  });
});

describeDb('scheduled dashboard sweep', () => {
  let t: TestGateway;
  const token = 'configured-admin-token-0123456789';

  beforeAll(async () => {
    t = await startTestGateway({
      clock: new SettableClock(START),
      env: { ESAV_SWEEP_INTERVAL_SECONDS: '1', ESAV_DASHBOARD_DELAY_DAYS: '2', ESAV_ADMIN_TOKEN: token },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('ESAV_ADMIN_TOKEN is used as is (no token file)', async () => {
    expect(t.adminToken).toBe(token);
    expect(fs.existsSync(path.join(t.config.dataDir, 'admin-token'))).toBe(false);
    expect((await t.admin('GET', '/admin/signalisations?operateur=OPA1')).status).toBe(200);
  });

  test('files CLOS tickets past the configured delay on its own', async () => {
    const client = await t.soapClient('OPA1');
    client.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await client.deposerSignalisationAsync(depositArgs());
    const reference = ack.referenceSignalisation as string;
    for (const [etat, extra] of [['EN_QUALIFICATION', {}], ['EN_COURS', {}], ['CLOS', { causeCloture: 'REPARATION_FIBRE' }]] as const) {
      expect((await t.admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat, ...extra })).status).toBe(200);
    }
    t.clock.advance(DAY);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await t.admin('GET', `/admin/signalisations/${reference}`)).body.etat).toBe('CLOS'); // one day < two

    t.clock.advance(DAY + 1000);
    let etat = 'CLOS';
    for (let i = 0; i < 50 && etat === 'CLOS'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      etat = (await t.admin('GET', `/admin/signalisations/${reference}`)).body.etat;
    }
    expect(etat).toBe('CLOS_TABLEAU_DE_BORD');
    const history = (await t.admin('GET', `/admin/signalisations/${reference}`)).body.historique;
    expect(history.at(-1)).toMatchObject({ de: 'CLOS', vers: 'CLOS_TABLEAU_DE_BORD', acteur: 'SYSTEME' });
    expect(t.logs.some((l) => l.includes('"msg":"dashboard sweep"') && l.includes(reference))).toBe(true);
  });

  test('the sweep is a cluster job of the process scheduler, each period recorded once in the ledger', async () => {
    expect(t.gateway.scheduler.registered).toEqual(
      expect.arrayContaining([
        { name: 'dashboard-sweep', scope: 'cluster', everyMs: 1000 },
        { name: 'rate-limit-counters-purge', scope: 'cluster', everyMs: 60_000 },
        { name: 'trust-refresh', scope: 'process', everyMs: 30_000 },
        { name: 'maintenance-refresh', scope: 'process', everyMs: 10_000 },
        { name: 'rate-limits-refresh', scope: 'process', everyMs: 10_000 },
        { name: 'volumetry-flush', scope: 'process', everyMs: 5_000 },
      ]),
    );
    const rows = await t.db.query<{ period_start: Date; n: number }>(
      "SELECT period_start, count(*)::int AS n FROM scheduled_runs WHERE job = 'dashboard-sweep' GROUP BY period_start",
    );
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });
});

describe('back-office configuration', () => {
  test('defaults and checks of the ESAV_ADMIN_* / sweep variables', () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ adminHost: '127.0.0.1', adminPort: 8444, adminToken: undefined, dashboardDelayMs: 15 * DAY, sweepIntervalSeconds: 300 });
    expect(loadConfig({ ESAV_DASHBOARD_DELAY_DAYS: '3', ESAV_SWEEP_INTERVAL_SECONDS: '0' })).toMatchObject({ dashboardDelayMs: 3 * DAY, sweepIntervalSeconds: 0 });
    expect(() => loadConfig({ ESAV_ADMIN_TOKEN: 'short' })).toThrow(/ESAV_ADMIN_TOKEN must be 16 to 256 printable characters/);
    expect(() => loadConfig({ ESAV_ADMIN_TOKEN: 'with a space inside it' })).toThrow(/ESAV_ADMIN_TOKEN/);
    expect(() => loadConfig({ ESAV_ADMIN_PORT: '70000' })).toThrow(/ESAV_ADMIN_PORT=70000 must be an integer in \[0, 65535\]/);
    expect(() => loadConfig({ ESAV_SWEEP_INTERVAL_SECONDS: '-1' })).toThrow(/ESAV_SWEEP_INTERVAL_SECONDS/);
    expect(() => loadConfig({ ESAV_DASHBOARD_DELAY_DAYS: '1.5' })).toThrow(/ESAV_DASHBOARD_DELAY_DAYS/);
  });
});
