// Issue 12, defect 1 (decision 0012): support-staff text that is not XML 1.0 character data must
// never break an operator's answer. Refused where it enters (admin API: 400 naming the field, and
// nothing stored; the support CLI, spawned: a clear message, exit 1), and the answers stay
// parseable for text stored before the rule (inserted here straight into PostgreSQL).
import fs from 'node:fs';
import path from 'node:path';
import { XmlDocument } from 'libxml2-wasm';
import { SettableClock } from '../../src/domain/clock.js';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { runProcess, shellEnv } from '../support/spawn.js';
import type soap from 'soap';

/** The support staff member every back-office move and comment names (audit log). */
const AGENT = 'M. Martin';

const describeDb = await describeWithPostgres();
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');

const asList = <T>(v: T | T[] | undefined | ''): T[] => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

describeDb('free text and XML 1.0 (real stack)', () => {
  let t: TestGateway;
  let opa: soap.Client;

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: dist/ is built by the jest global setup`);
    t = await startTestGateway({ clock: new SettableClock('2026-03-02T09:00:00+01:00') });
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  async function deposit(): Promise<string> {
    const [ack] = await opa.deposerSignalisationAsync(depositArgs());
    return ack.referenceSignalisation as string;
  }

  async function adminDetail(reference: string) {
    const response = await t.admin('GET', `/admin/signalisations/${reference}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  /** consulterDetailSignalisation through node-soap; the raw answer must also satisfy libxml2. */
  async function operatorDetail(reference: string) {
    const [answer] = await opa.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    const raw = opa.lastResponse as string;
    expect(typeof raw).toBe('string');
    // libxml2 (what lxml/zeep, Java and .NET clients amount to): "PCDATA invalid Char value 7" before the fix.
    XmlDocument.fromString(raw).dispose();
    return { signalisation: answer.signalisation, raw };
  }

  describe('admin API: refused where it enters, 400 naming the field, nothing stored', () => {
    test('a comment with U+0007 (the issue’s case)', async () => {
      const reference = await deposit();
      const response = await t.admin('POST', `/admin/signalisations/${reference}/commentaires`, { agent: AGENT, texte: 'Bonjour\u0007' });
      expect(response.status).toBe(400);
      expect(response.body.erreur).toMatch(/^requête invalide : texte : caractère interdit U\+0007 \(caractère de contrôle\) en position 8 ; XML 1\.0/);
      expect(response.body.erreur).not.toContain('\u0007');
      expect((await adminDetail(reference)).commentaires).toEqual([]);
    });

    test.each([
      ['U+0000', 'a\u0000b'],
      ['U+001B', 'esc \u001B[31m rouge'],
      ['U+FFFE', 'x\uFFFE'],
      ['U+FFFF', '\uFFFF'],
      ['U+D800', 'demi \uD800 paire'],
      ['U+DC00', '\uDC00'],
    ])('%s in a comment is refused too', async (label, texte) => {
      const reference = await deposit();
      // JSON.stringify writes a lone surrogate as \udXXX: the server's JSON.parse makes it one again.
      const response = await t.admin('POST', `/admin/signalisations/${reference}/commentaires`, { agent: AGENT, texte });
      expect(response.status).toBe(400);
      expect(response.body.erreur).toContain(`texte : caractère interdit ${label}`);
      expect((await adminDetail(reference)).commentaires).toEqual([]);
    });

    test('tab, LF, CR and supplementary characters are accepted and restituted as sent', async () => {
      const reference = await deposit();
      const texte = 'Ligne 1\r\nLigne 2\tfin 😀';
      const response = await t.admin('POST', `/admin/signalisations/${reference}/commentaires`, { agent: AGENT, texte });
      expect(response.status).toBe(200);
      const { signalisation } = await operatorDetail(reference);
      expect(asList<Record<string, string>>(signalisation.commentaires?.commentaire)[0]?.texte).toBe(texte);
    });

    test('a transition motif: refused, the state does not change', async () => {
      const reference = await deposit();
      const response = await t.admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat: 'EN_REJET', motif: 'Hors\u000Bpérimètre' });
      expect(response.status).toBe(400);
      expect(response.body.erreur).toMatch(/^requête invalide : motif : caractère interdit U\+000B/);
      const detail = await adminDetail(reference);
      expect(detail.etat).toBe('EN_DEPOT');
      expect(detail.historique).toHaveLength(1);
    });

    test('planned works: the path of a nested field is named, nothing is published', async () => {
      const before = (await t.admin('GET', '/admin/travaux')).body.travaux.length;
      const works = {
        nature: 'TRAVAUX_PROGRAMMES',
        libelle: 'Remplacement du PM',
        equipement: 'PM',
        referencePm: 'PM-75056-0042',
        dateDebut: '2026-03-09T22:00:00+01:00',
        dateFin: '2026-03-10T06:00:00+01:00',
        perimetre: [
          { type: 'PM', reference: 'PM-75056-0042' },
          { type: 'PBO', reference: 'PBO-\uFFFF' },
        ],
      };
      const refused = await t.admin('POST', '/admin/travaux', works);
      expect(refused.status).toBe(400);
      expect(refused.body.erreur).toMatch(/^requête invalide : perimetre\[1\]\.reference : caractère interdit U\+FFFF/);
      const libelle = await t.admin('POST', '/admin/travaux', { ...works, perimetre: [works.perimetre[0]], libelle: 'PM\u0008' });
      expect(libelle.status).toBe(400);
      expect(libelle.body.erreur).toMatch(/^requête invalide : libelle : caractère interdit U\+0008/);
      expect((await t.admin('GET', '/admin/travaux')).body.travaux).toHaveLength(before);
    });

    test('query string and path parameters are named as such', async () => {
      const query = await t.admin('GET', '/admin/signalisations?operateur=OP%07A');
      expect(query.status).toBe(400);
      expect(query.body.erreur).toMatch(/^requête invalide : paramètre operateur : caractère interdit U\+0007/);
      const params = await t.admin('GET', '/admin/signalisations/SIG%1B0001');
      expect(params.status).toBe(400);
      expect(params.body.erreur).toMatch(/^requête invalide : chemin reference : caractère interdit U\+001B/);
    });

    test('authentication still comes first (401 before any look at the text)', async () => {
      const response = await t.admin('POST', '/admin/signalisations/SIG-0000000001/commentaires', { agent: AGENT, texte: 'x\u0007' }, 'wrong-token-0123456789');
      expect(response.status).toBe(401);
    });
  });

  describe('support command line (spawned): a clear message naming the field, exit 1', () => {
    const cli = (...args: string[]) =>
      runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR'], { ESAV_AGENT: AGENT }));

    test('signalisation commenter REF "Bonjour<U+0007>"', async () => {
      const reference = await deposit();
      const result = await cli('signalisation', 'commenter', reference, 'Bonjour\u0007');
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^requête invalide : texte : caractère interdit U\+0007 \(caractère de contrôle\) en position 8 ; /);
      expect(result.stderr).not.toContain('\u0007');
      expect(result.code).toBe(1);
      expect((await adminDetail(reference)).commentaires).toEqual([]);
    });

    test('signalisation transition --motif with an escape character', async () => {
      const reference = await deposit();
      const result = await cli('signalisation', 'transition', reference, 'EN_REJET', '--motif', 'Hors \u001B[2J périmètre');
      expect(result.stderr).toMatch(/^requête invalide : motif : caractère interdit U\+001B/);
      expect(result.code).toBe(1);
      expect((await adminDetail(reference)).etat).toBe('EN_DEPOT');
    });
  });

  describe('text stored before the rule (legacy rows): the answers stay parseable', () => {
    test('consulterDetailSignalisation with a comment and a motif holding refused characters', async () => {
      const reference = await deposit();
      const [row] = await t.db.query<{ id: number }>('SELECT id FROM signalisations WHERE reference = $1', [reference]);
      // Written by the old code: U+0007 as in the issue, ESC, and U+FFFF (PostgreSQL stores them all; NUL it cannot).
      await t.db.query('INSERT INTO signalisation_comments (signalisation_id, at, author, texte) VALUES ($1, $2, $3, $4)', [
        row!.id,
        t.clock.now(),
        'SAV',
        'Bonjour\u0007 \u001B \uFFFF fin',
      ]);
      await t.db.query('UPDATE signalisations SET motif = $2 WHERE id = $1', [row!.id, 'Dépôt\u0001']);
      const [stored] = await t.db.query<{ texte: string }>('SELECT texte FROM signalisation_comments WHERE signalisation_id = $1', [row!.id]);
      expect(stored!.texte).toBe('Bonjour\u0007 \u001B \uFFFF fin');

      const { signalisation, raw } = await operatorDetail(reference);
      expect(raw).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
      expect(asList<Record<string, string>>(signalisation.commentaires?.commentaire)[0]).toMatchObject({ auteur: 'SAV', texte: 'Bonjour\uFFFD \uFFFD \uFFFD fin' });
      expect(raw).toContain('Dépôt\uFFFD');
    });
  });
});
