// The conformance kit as operators run it: the compiled command (node dist/src/conformance-kit/cli.js,
// the package's `esav-conformance` bin) spawned as its own process against a gateway started here
// (real PostgreSQL, real mutual TLS), checking exit codes, output and report files; then the
// support staff's view of the recorded run through the compiled admin command line.
// The gateway runs in this process: children are spawned asynchronously only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SettableClock } from '../../src/domain/clock.js';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { SqlConformanceRunRepository } from '../../src/adapters/postgres/conformance-runs.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { FAST_TESTS_ENV } from '../support/line-tests.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const KIT = path.join(PROJECT_ROOT, 'dist', 'src', 'conformance-kit', 'cli.js');
const ADMIN = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NODE_OPTIONS', 'ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_CONFORMANCE_PASSWORD']) delete env[name];
  return env;
}

function run(args: string[], timeoutMs = 60_000, command = process.execPath): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describeDb('conformance kit (spawned command, exit codes)', () => {
  let t: TestGateway;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-conformance-cli-'));

  /** The PEM files of a demo operator, as handed to its integration team. */
  const credentials = (code: string) => {
    const pki = t.gateway.devPki!;
    return ['--cert', pki.operators[code]!.certPath, '--key', pki.operators[code]!.keyPath, '--ca', pki.paths.caCert];
  };

  beforeAll(async () => {
    if (!fs.existsSync(KIT)) throw new Error(`${KIT} missing: dist/ is built by the jest global setup`);
    t = await startTestGateway({ clock: new SettableClock('2026-11-02T10:00:00+01:00'), env: FAST_TESTS_ENV });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('usage: --help (0); missing or wrong options and unreadable files (2), before anything is sent', async () => {
    const help = await run([KIT, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: esav-conformance/);
    for (const word of ['--url', '--operateur', '--pkcs12', '--domaines', '--rapports', '--prestation', 'Codes de sortie']) expect(help.stdout).toContain(word);

    // The package's bin is a link to the same file: it runs too.
    const bin = path.join(tmp, 'esav-conformance');
    fs.symlinkSync(KIT, bin);
    expect((await run([bin, '--help'])).code).toBe(0);

    const missing = await run([KIT, '--url', t.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--operateur/);
    const domain = await run([KIT, '--url', t.url, '--operateur', 'OPA1', ...credentials('OPA1'), '--domaines', 'signalisation,facturation']);
    expect(domain.code).toBe(2);
    expect(domain.stderr).toMatch(/domaine inconnu facturation/);
    const file = await run([KIT, '--url', t.url, '--operateur', 'OPA1', '--cert', path.join(tmp, 'absent.crt'), '--key', path.join(tmp, 'absent.key')]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/absent\.key : fichier introuvable/);
  });

  test('a passing run exits 0, prints one line per scenario and the summary, writes both reports, is recorded', async () => {
    const dir = path.join(tmp, 'reports-ok');
    const result = await run([
      KIT,
      '--url', t.url,
      '--operateur', 'OPA1',
      ...credentials('OPA1'),
      '--domaines', 'signalisation,test',
      '--intervalle-test', '0.2',
      '--rapports', dir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('[  OK  ]'))).toHaveLength(17);
    expect(result.stdout).toMatch(/Campagne \d+ ouverte sur la passerelle/);
    expect(result.stdout).toContain('Résultat : RÉUSSI');
    expect(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toMatch(/<testsuites name="jeu de test e-SAV OPA1" tests="17" failures="0"/);
    expect(fs.readFileSync(path.join(dir, 'rapport.html'), 'utf8')).toContain('RÉUSSI');
    expect([...(await new SqlConformanceRunRepository(t.db).passedDomains('OPA1'))].sort()).toEqual(['signalisation', 'test']);

    // Support staff: the recorded run and its report, through the admin command line.
    const admin = (...args: string[]) => run([ADMIN, '--url', t.adminUrl, '--token', t.adminToken, ...args]);
    const listed = await admin('conformite', 'lister', 'OPA1');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('OPA1 — domaines validés pour la promotion : signalisation, test');
    const id = /^(\d+)\s+\S+ \S+\s+oui/m.exec(listed.stdout)?.[1];
    expect(id).toBeDefined();
    const shown = await admin('conformite', 'voir', id!);
    expect(shown.stdout).toMatch(/signalisation\s+validé/);
    expect(shown.stdout).toMatch(/deposerSignalisation\s+fault:101\s+1/);
    const saved = path.join(tmp, 'kept.html');
    const report = await admin('conformite', 'rapport', id!, '--sortie', saved);
    expect(report.code).toBe(0);
    expect(fs.readFileSync(saved, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect((await admin('conformite', 'voir', '999999')).code).toBe(1);
  }, 90_000);

  test('a failing run exits 1 naming the scenario; an unreachable gateway exits 3', async () => {
    const failing = await run([
      KIT,
      '--url', t.url,
      '--operateur', 'OPA1',
      ...credentials('OPA1'),
      '--domaines', 'signalisation',
      '--prestation', 'FI-2000-0001',
      '--offre', 'FTTH_PASSIF',
      '--sans-enregistrement',
      '--rapports', path.join(tmp, 'reports-ko'),
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/\[ ÉCHEC\] signalisation\.depot\s+deposerSignalisation : faute 300/);
    expect(failing.stdout).toMatch(/Résultat : ÉCHEC \(1 scénario\(s\) en échec : signalisation\.depot\)/);

    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const unreachable = await run([KIT, '--url', `https://127.0.0.1:${closed}`, '--operateur', 'OPA1', ...credentials('OPA1'), '--rapports', path.join(tmp, 'none')]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/passerelle injoignable \(https:\/\/127\.0\.0\.1:\d+\) : ECONNREFUSED/);
  }, 60_000);
});
