// The back-office command line driven as a user would: the compiled CLI spawned as its own
// process (node dist/src/admin-cli/cli.js …) against a gateway started here (real PostgreSQL).
// The gateway runs in this process: children are spawned asynchronously only, never with
// spawnSync/execSync, which would block the event loop the gateway answers on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SettableClock } from '../../src/domain/clock.js';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import type soap from 'soap';
import { runProcess, shellEnv, type ProcessRun } from '../support/spawn.js';

const describeDb = await describeWithPostgres();
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');
const DAY = 24 * 3600_000;

type Run = ProcessRun;

/** The environment of a user's shell, without what would change the CLI's defaults. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR'], extra);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv(), timeoutMs = 60_000): Promise<Run> {
  return runProcess(command, args, env, timeoutMs);
}

describeDb('back-office command line (spawned, real database)', () => {
  let t: TestGateway;
  let opa: soap.Client;

  /** The CLI with the gateway's URL and token, as a support engineer would type it (ESAV_AGENT set in their shell). */
  const cli = (...args: string[]) => run(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], cleanEnv({ ESAV_AGENT: 'Agent CLI' }));
  /** The same without ESAV_AGENT. */
  const cliNoAgent = (...args: string[]) => run(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_AGENT']));

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

  async function stateOf(reference: string): Promise<string> {
    return (await t.admin('GET', `/admin/signalisations/${reference}`)).body.etat;
  }

  describe('usage', () => {
    test('--help lists the commands (exit 0)', async () => {
      const help = await run(process.execPath, [CLI, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage: esav-admin/);
      for (const word of ['signalisation', 'balayage', '--url', '--token', '--json', 'Codes de sortie']) expect(help.stdout).toContain(word);

      const sub = await run(process.execPath, [CLI, 'signalisation', '--help']);
      expect(sub.code).toBe(0);
      for (const word of ['voir', 'lister', 'transition', 'commenter']) expect(sub.stdout).toContain(word);
      const transition = await run(process.execPath, [CLI, 'signalisation', 'transition', '--help']);
      expect(transition.stdout).toMatch(/EN_QUALIFICATION/);
      expect(transition.stdout).toMatch(/--attente/);
    });

    test('`npm run admin -- --help` works (builds, then runs the CLI)', async () => {
      const npm = await run('npm', ['run', '--silent', 'admin', '--', '--help'], cleanEnv(), 180_000);
      expect(npm.code).toBe(0);
      expect(npm.stdout).toMatch(/Usage: esav-admin/);
    }, 200_000);

    test.each([
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['signalisation'], /Usage: esav-admin signalisation/],
      [['signalisation', 'voir'], /missing required argument 'reference'/],
      [['signalisation', 'transition', 'SIG-0000000001', 'FINI'], /Allowed choices are EN_DEPOT, .*EN_REJET/],
      [['signalisation', 'transition', 'SIG-0000000001', 'GELE', '--attente', 'SOLEIL'], /Allowed choices are INFORMATION, ACCES_SITE, RENDEZ_VOUS/],
      [['signalisation', 'lister'], /required option '--operateur <code>' not specified/],
      [['signalisation', 'lister', '--operateur', 'OPA1', '--limite', 'beaucoup'], /un entier de 1 à 500 est attendu/],
      [['signalisation', 'lister', '--operateur', 'OPA1', '--etat', 'FINI'], /état inconnu FINI/],
      [['--frob', 'balayage'], /unknown option '--frob'/],
      [['--url', 'pas une url', 'balayage'], /--url pas une url : URL invalide/],
    ])('usage error %j → exit 2', async (args, message) => {
      const result = await cli(...args);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
    });

    test('no token anywhere → exit 2 saying where it is looked for', async () => {
      const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-cli-'));
      try {
        const result = await run(process.execPath, [CLI, '--url', t.adminUrl, 'balayage'], cleanEnv({ ESAV_DATA_DIR: emptyDir }));
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('aucun jeton d’administration');
        expect(result.stderr).toContain(path.join(emptyDir, 'admin-token'));
      } finally {
        fs.rmSync(emptyDir, { recursive: true, force: true });
      }
    });

    test('the token is read from ESAV_ADMIN_TOKEN or from the data folder’s admin-token file', async () => {
      const reference = await deposit();
      const fromFile = await run(process.execPath, [CLI, '--url', t.adminUrl, 'signalisation', 'voir', reference], cleanEnv({ ESAV_DATA_DIR: t.config.dataDir }));
      expect(fromFile.code).toBe(0);
      expect(fromFile.stdout).toContain(reference);
      const fromEnv = await run(process.execPath, [CLI, 'signalisation', 'voir', reference], cleanEnv({ ESAV_ADMIN_URL: t.adminUrl, ESAV_ADMIN_TOKEN: t.adminToken }));
      expect(fromEnv.code).toBe(0);
      expect(fromEnv.stdout).toContain(reference);
    });

    test('a wrong token is refused (exit 1), an unreachable API is a technical failure (exit 3)', async () => {
      const wrong = await run(process.execPath, [CLI, '--url', t.adminUrl, '--token', 'not-the-right-token-123', 'balayage']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/refusé : jeton d’administration invalide/);
      const unreachable = await run(process.execPath, [CLI, '--url', 'http://127.0.0.1:1', '--token', t.adminToken, 'balayage']);
      expect(unreachable.code).toBe(3);
      expect(unreachable.stderr).toMatch(/API d’administration injoignable \(http:\/\/127\.0\.0\.1:1\)/);
    });
  });

  describe('commands', () => {
    test('voir: the detail with the history', async () => {
      const reference = await deposit();
      const result = await cli('signalisation', 'voir', reference);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Signalisation ${reference}`);
      expect(result.stdout).toMatch(/Opérateur\s+: OPA1/);
      expect(result.stdout).toMatch(/État\s+: EN_DEPOT depuis le 2026-03-02 09:00:00\+01:00/);
      expect(result.stdout).toMatch(/Prestation\s+: FI-1000-0001 \(INSEE 75056\)/);
      expect(result.stdout).toMatch(/Historique\n\s+DATE\s+TRANSITION\s+ACTEUR\s+MOTIF\n\s+2026-03-02 09:00:00\+01:00\s+— → EN_DEPOT\s+OPERATEUR/);
      expect(result.stdout).toMatch(/Commentaires\n\s+\(aucun\)/);

      const unknown = await cli('signalisation', 'voir', 'SIG-9999999999');
      expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'signalisation SIG-9999999999 inconnue\n' });
    });

    test('transition: allowed ones are applied and shown in the history; a refused one exits 1 with the reason', async () => {
      const reference = await deposit();
      const qualify = await cli('signalisation', 'transition', reference, 'EN_QUALIFICATION', '--motif', 'Recevable');
      expect(qualify.code).toBe(0);
      expect(qualify.stdout).toMatch(new RegExp(`^${reference} : EN_QUALIFICATION depuis le 2026-03-02 09:00:00\\+01:00 — Recevable\\n$`));

      const refused = await cli('signalisation', 'transition', reference, 'CLOS', '--cause', 'REPARATION_FIBRE');
      expect(refused).toEqual({ code: 1, stdout: '', stderr: 'refusé : transition EN_QUALIFICATION → CLOS non autorisée (SAV)\n' });
      expect(await stateOf(reference)).toBe('EN_QUALIFICATION');

      expect((await cli('signalisation', 'transition', reference, 'EN_COURS')).code).toBe(0);
      const freeze = await cli('signalisation', 'transition', reference, 'GELE', '--attente', 'ACCES_SITE', '--motif', 'Accès au local');
      expect(freeze.code).toBe(0);
      expect(freeze.stdout).toMatch(/: GELE depuis le .*, en attente : ACCES_SITE — Accès au local/);

      const noCause = await cli('signalisation', 'transition', reference, 'CLOS');
      expect(noCause.code).toBe(1);
      expect(noCause.stderr).toBe('refusé : une cause de clôture est requise pour clore la signalisation\n');
      const close = await cli('signalisation', 'transition', reference, 'CLOS', '--cause', 'REPARATION_FIBRE', '--motif', 'Soudure refaite');
      expect(close.code).toBe(0);
      expect(close.stdout).toMatch(/: CLOS depuis le .* — Soudure refaite \(cause REPARATION_FIBRE\)/);

      // The staff member is named for the audit log (--agent, else ESAV_AGENT); none: usage error, nothing changed.
      const anonymous = await cliNoAgent('signalisation', 'transition', reference, 'VALIDE');
      expect(anonymous).toMatchObject({ code: 2, stdout: '' });
      expect(anonymous.stderr).toMatch(/--agent <nom> ou ESAV_AGENT/);
      expect(await stateOf(reference)).toBe('CLOS');
      const reopened = await cli('signalisation', 'transition', reference, 'VALIDE', '--motif', 'Confirmée par téléphone', '--agent', 'M. Martin');
      expect(reopened.code).toBe(0);
      const audit = (await t.admin('GET', '/admin/audit?operateur=OPA1&limite=1000')).body as { evenements: { agent: string; action: string; details: Record<string, unknown> }[] };
      const moves = audit.evenements.filter((e) => e.action === 'SIGNALISATION_ETAT_MODIFIE' && e.details.reference === reference);
      expect(moves.map((e) => [e.agent, e.details.de, e.details.vers])).toEqual([
        ['M. Martin', 'CLOS', 'VALIDE'],
        ['Agent CLI', 'GELE', 'CLOS'],
        ['Agent CLI', 'EN_COURS', 'GELE'],
        ['Agent CLI', 'EN_QUALIFICATION', 'EN_COURS'],
        ['Agent CLI', 'EN_DEPOT', 'EN_QUALIFICATION'],
      ]);

      const shown = await cli('signalisation', 'voir', reference);
      expect(shown.stdout).toMatch(/EN_DEPOT → EN_QUALIFICATION\s+SAV\s+Recevable/);
      expect(shown.stdout).toMatch(/EN_COURS → GELE\s+SAV\s+Accès au local/);
      expect(shown.stdout).toMatch(/GELE → CLOS\s+SAV\s+Soudure refaite/);
      expect(shown.stdout).toMatch(/Clôture\s+: REPARATION_FIBRE le 2026-03-02/);
    });

    test('commenter: the comment reaches the operator’s detail', async () => {
      const reference = await deposit();
      const result = await cli('signalisation', 'commenter', reference, 'Technicien', 'sur site demain à 14h');
      expect(result).toEqual({ code: 0, stdout: `commentaire ajouté à ${reference} (EN_DEPOT)\n`, stderr: '' });

      const [answer] = await opa.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
      const comments = [answer.signalisation.commentaires.commentaire].flat();
      expect(comments).toHaveLength(1);
      expect(comments[0]).toMatchObject({ auteur: 'SAV', texte: 'Technicien sur site demain à 14h' });
      expect((await cli('signalisation', 'voir', reference)).stdout).toMatch(/Commentaires\n\s+2026-03-02 09:00:00\+01:00\s+SAV\s+Technicien sur site demain à 14h/);

      const tooLong = await cli('signalisation', 'commenter', reference, 'x'.repeat(2001));
      expect(tooLong.code).toBe(1);
      expect(tooLong.stderr).toMatch(/texte : trop long/);
    });

    test('lister: a table of one operator’s tickets, filtered by state', async () => {
      const a = await deposit();
      const b = await deposit();
      expect((await cli('signalisation', 'transition', b, 'EN_QUALIFICATION')).code).toBe(0);

      const all = await cli('signalisation', 'lister', '--operateur', 'OPA1', '--limite', '500');
      expect(all.code).toBe(0);
      const lines = all.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^REFERENCE\s+OPERATEUR\s+ETAT\s+DEPUIS\s+DEPOSEE\s+PRESTATION\s+REF OC$/);
      expect(lines.find((l) => l.startsWith(a))).toMatch(new RegExp(`^${a}\\s+OPA1\\s+EN_DEPOT\\s+2026-03-02`));
      expect(lines.at(-1)).toMatch(/^\d+ signalisation\(s\)$/);

      const filtered = await cli('signalisation', 'lister', '--operateur', 'OPA1', '--etat', 'EN_QUALIFICATION', '--etat', 'GELE');
      expect(filtered.code).toBe(0);
      expect(filtered.stdout).toContain(b);
      expect(filtered.stdout).not.toContain(a);
      const comma = await cli('signalisation', 'lister', '--operateur', 'OPA1', '--etat', 'EN_QUALIFICATION,EN_DEPOT', '--limite', '2');
      expect(comma.stdout.split('\n').filter((l) => l.startsWith('SIG-'))).toHaveLength(2);

      const none = await cli('signalisation', 'lister', '--operateur', 'ZZZ9');
      expect(none).toEqual({ code: 0, stdout: 'aucune signalisation\n', stderr: '' });
    });

    test('--json prints the API’s JSON (before or after the command)', async () => {
      const reference = await deposit();
      const detail = await cli('--json', 'signalisation', 'voir', reference);
      expect(detail.code).toBe(0);
      expect(JSON.parse(detail.stdout)).toMatchObject({ reference, operateur: 'OPA1', etat: 'EN_DEPOT', historique: [{ vers: 'EN_DEPOT' }] });

      const moved = await cli('signalisation', 'transition', reference, 'EN_REJET', '--motif', 'Hors périmètre', '--json');
      expect(JSON.parse(moved.stdout)).toMatchObject({ reference, etat: 'EN_REJET', motif: 'Hors périmètre', causeCloture: 'REJET' });

      const list = await cli('signalisation', 'lister', '--operateur', 'OPA1', '--etat', 'EN_REJET', '--json');
      expect(JSON.parse(list.stdout).signalisations.map((s: { reference: string }) => s.reference)).toContain(reference);
    });

    test('balayage: files the CLOS/VALIDE tickets past the delay, then nothing', async () => {
      const reference = await deposit();
      for (const args of [['EN_QUALIFICATION'], ['EN_COURS'], ['CLOS', '--cause', 'REPARATION_FIBRE'], ['VALIDE']]) {
        expect((await cli('signalisation', 'transition', reference, ...args)).code).toBe(0);
      }
      const early = await cli('balayage');
      expect(early.stdout).not.toContain(reference);

      t.clock.advance(16 * DAY);
      const sweep = await cli('balayage');
      expect(sweep.code).toBe(0);
      expect(sweep.stdout).toMatch(/^balayage : \d+ signalisation\(s\) classée\(s\) en CLOS_TABLEAU_DE_BORD\n/);
      expect(sweep.stdout).toContain(`  ${reference}\n`);
      expect(await stateOf(reference)).toBe('CLOS_TABLEAU_DE_BORD');
      expect((await cli('signalisation', 'voir', reference)).stdout).toMatch(/VALIDE → CLOS_TABLEAU_DE_BORD\s+SYSTEME\s+Délai du tableau de bord écoulé/);

      const again = await cli('balayage', '--json');
      expect(JSON.parse(again.stdout)).toEqual({ deplacees: [] });
      expect(await cli('balayage')).toEqual({ code: 0, stdout: 'balayage : aucune signalisation à classer\n', stderr: '' });
    });
  });
});
