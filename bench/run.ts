// `npm run bench`: one invocation runs, in sequence, against servers started in child processes
// on a fresh PostgreSQL database with the demo data:
//   a  the bare mTLS echo route of the gateway (POST /bench/echo) — the ceiling
//   b  consulterEtatSignalisation of an existing ticket
//   c  deposerSignalisation, a new referenceInterneOC per request
//   d  the same deposit served by node-soap's server (same WSDL, mTLS, use case and database)
//   u  (evidence, not a target) the deposit use case alone, no HTTP/TLS/SOAP: what bounds c and d
// and prints requests/s, p50/p99 latency, errors and peak server RSS for each, then the ratios
// b/a, c/a, c/d and PASS/MISS against the targets of issue 9.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './lib/args.js';
import { cpuSnapshot, cpuUse, type CpuSnapshot, type CpuUse } from './lib/cpu.js';
import { createDatabase, describeMachine, gatewayChildEnv, int, machineLines, mib, ms, table, tempDir, writeJson, type Machine } from './lib/env.js';
import { postOnce, runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import { ECHO_PATH, SERVICE_PATH, consultStateRequest, depositRequest, firstText, soapHeaders } from './lib/messages.js';
import { forkServer, type Memory, type ServerChild } from './lib/server-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const flags = parseFlags(
  {
    duration: { default: 10, help: 'measured seconds per scenario' },
    warmup: { default: 3, help: 'warm-up seconds per scenario (not measured)' },
    connections: { default: 32, help: 'keep-alive connections, one request in flight on each' },
    'max-requests': { default: 5_000_000, help: 'hard cap on the requests of one scenario' },
    scenarios: { default: 'a,b,c,d,u', help: 'which scenarios, comma-separated (u: the deposit use case alone)' },
    pool: { default: 10, help: "the servers' PostgreSQL pool size (ESAV_DB_POOL_SIZE; the gateway's default is 10)" },
    'log-level': { default: 'info', help: "the servers' LOG_LEVEL (info writes the per-request line, as in production)" },
    'cpu-prof': { default: false, help: "CPU-profile the server's main thread over each measured window (reports/cpu-prof/)" },
    json: { default: '', help: 'also write the figures to this JSON file' },
    'keep-db': { default: false, help: 'keep the benchmark database instead of dropping it' },
    'keep-logs': { default: false, help: "keep the servers' log file (one line per request) after a successful run" },
  },
  process.argv.slice(2),
  process.env,
  'npm run bench -- [flags]',
);

type ScenarioId = 'a' | 'b' | 'c' | 'd' | 'u';
const TITLES: Record<ScenarioId, string> = {
  a: 'a echo (mTLS ceiling)',
  b: 'b consulterEtatSignalisation',
  c: 'c deposerSignalisation',
  d: 'd deposit on node-soap',
  u: 'u deposit use case alone',
};

interface ScenarioResult extends LoadResult {
  id: ScenarioId;
  title: string;
  server: 'gateway' | 'node-soap' | 'use case';
  memory: Memory;
  cpu: CpuUse;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

async function measure(
  database: string,
  id: ScenarioId,
  server: ServerChild,
  next: (n: number) => LoadRequest,
  ok: (status: number, body: string) => boolean,
): Promise<ScenarioResult> {
  log(`… ${TITLES[id]}: ${flags.warmup} s warm-up + ${flags.duration} s at ${flags.connections} connections`);
  await server.resetPeak();
  let before: CpuSnapshot | undefined;
  let after: CpuSnapshot | undefined;
  const profiling: Promise<unknown>[] = [];
  const result = await runLoad({
    origin: server.origin,
    tls: server.tls,
    connections: flags.connections,
    warmupMs: flags.warmup * 1000,
    durationMs: flags.duration * 1000,
    maxRequests: flags['max-requests'],
    next,
    ok,
    onWindowStart() {
      before = cpuSnapshot(server.pid, database);
      if (flags['cpu-prof']) profiling.push(server.profileStart(`${id}-${TITLES[id].split(' ')[1]}`));
    },
    onWindowEnd() {
      after = cpuSnapshot(server.pid, database);
      if (flags['cpu-prof']) profiling.push(server.profileStop());
    },
  });
  await Promise.all(profiling);
  const cpu = cpuUse(before!, after!, result.requests);
  const memory = await server.memory();
  const errors = result.errors > 0 ? `, errors ${JSON.stringify(result.errorKinds)}` : '';
  log(`  ${int(result.rps)} req/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms, peak RSS ${mib(memory.peakRss)}${errors}`);
  return { id, title: TITLES[id], server: id === 'd' ? 'node-soap' : 'gateway', memory, cpu, ...result };
}

/** Scenario u: the use case loops in its own child process; CPU is sampled on the same windows. */
async function measureUseCase(database: string, env: Record<string, string>, logFile: string, prefix: string): Promise<ScenarioResult> {
  log(`… ${TITLES.u}: ${flags.warmup} s warm-up + ${flags.duration} s, ${flags.connections} concurrent callers in one process`);
  const out = fs.openSync(logFile, 'a');
  const child = fork(path.join(HERE, 'usecase-child.js'), [], { env: { ...process.env, ...env }, stdio: ['ignore', out, out, 'ipc'] });
  fs.closeSync(out);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`usecase-child exited with ${code} (see ${logFile})`)));
    });
    let before: CpuSnapshot | undefined;
    let after: CpuSnapshot | undefined;
    const t1 = setTimeout(() => (before = cpuSnapshot(child.pid!, database)), flags.warmup * 1000);
    const t2 = setTimeout(() => (after = cpuSnapshot(child.pid!, database)), (flags.warmup + flags.duration) * 1000);
    const done = new Promise<{ result: LoadResult; memory: Memory }>((resolve) =>
      child.on('message', (m: { type: string; result: LoadResult; memory: Memory }) => m.type === 'done' && resolve(m)),
    );
    child.send({ type: 'run', connections: flags.connections, warmupMs: flags.warmup * 1000, durationMs: flags.duration * 1000, maxRequests: flags['max-requests'], prefix });
    const { result, memory } = await done;
    clearTimeout(t1);
    clearTimeout(t2);
    before ??= cpuSnapshot(child.pid!, database);
    after ??= cpuSnapshot(child.pid!, database);
    const cpu = cpuUse(before, after, result.requests);
    log(`  ${int(result.rps)} deposits/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms`);
    return { id: 'u', title: TITLES.u, server: 'use case', memory, cpu, ...result };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const wanted = new Set(flags.scenarios.split(',').map((s) => s.trim()).filter(Boolean));
  for (const s of wanted) if (!['a', 'b', 'c', 'd', 'u'].includes(s)) throw new Error(`unknown scenario ${s}`);
  const machine: Machine = await describeMachine();
  log(machineLines(machine).join('\n'));
  const runId = randomBytes(3).toString('hex').toUpperCase();
  const db = await createDatabase('esav_bench');
  const certsDir = tempDir('esav-bench-pki-');
  const dataDir = tempDir('esav-bench-data-');
  const logFile = path.join(dataDir, 'servers.log');
  const profDir = path.resolve(HERE, '..', '..', 'reports', 'cpu-prof', new Date().toISOString().replace(/[:.]/g, '-'));
  const env = gatewayChildEnv(db.url, { certsDir, dataDir }, flags['log-level'], {
    ESAV_DB_POOL_SIZE: String(flags.pool),
    ESAV_BENCH_ECHO: 'true',
    ...(flags['cpu-prof'] ? { BENCH_CPU_PROFILE_DIR: profDir } : {}),
  });
  log(`database ${db.name} (fresh, demo data); server logs: ${logFile}`);

  const results: ScenarioResult[] = [];
  const children: ServerChild[] = [];
  const soapOk = (element: string) => (status: number, body: string) => status === 200 && body.includes(element);
  try {
    if (wanted.has('a') || wanted.has('b') || wanted.has('c')) {
      const gateway = await forkServer(path.join(HERE, 'gateway-child.js'), { env, logFile });
      children.push(gateway);
      log(`gateway child pid ${gateway.pid} at ${gateway.origin}`);
      // One ticket to consult, deposited before any measurement.
      const seed = await postOnce(gateway.origin, gateway.tls, {
        path: SERVICE_PATH,
        headers: soapHeaders('deposerSignalisation'),
        body: depositRequest(`BENCH-${runId}-SEED`),
      });
      const reference = firstText(seed.body, 'referenceSignalisation');
      if (seed.status !== 200 || !reference) throw new Error(`seed deposit failed: HTTP ${seed.status} ${seed.body.slice(0, 500)}`);

      if (wanted.has('a')) {
        const body = depositRequest(`BENCH-${runId}-ECHO`);
        const request = { path: ECHO_PATH, headers: { 'content-type': 'text/xml; charset=utf-8' }, body };
        results.push(await measure(db.name, 'a', gateway, () => request, (status, text) => status === 200 && text.length === body.length));
      }
      if (wanted.has('b')) {
        const request = { path: SERVICE_PATH, headers: soapHeaders('consulterEtatSignalisation'), body: consultStateRequest(reference) };
        results.push(await measure(db.name, 'b', gateway, () => request, soapOk('consulterEtatSignalisationReponse')));
      }
      if (wanted.has('c')) {
        const headers = soapHeaders('deposerSignalisation');
        results.push(
          await measure(db.name, 'c', gateway, (n) => ({ path: SERVICE_PATH, headers, body: depositRequest(`BENCH-${runId}-C-${n}`) }), soapOk('deposerSignalisationReponse')),
        );
      }
      const last = await gateway.stop();
      log(`gateway stopped (kernel max RSS over its life ${mib(last.maxRss)})`);
    }
    if (wanted.has('d')) {
      const peer = await forkServer(path.join(HERE, 'soap-child.js'), { env, logFile });
      children.push(peer);
      log(`node-soap child pid ${peer.pid} at ${peer.origin}`);
      const headers = soapHeaders('deposerSignalisation');
      const probe = await postOnce(peer.origin, peer.tls, { path: SERVICE_PATH, headers, body: depositRequest(`BENCH-${runId}-D-PROBE`) });
      if (probe.status !== 200 || !probe.body.includes('deposerSignalisationReponse')) {
        throw new Error(`node-soap probe deposit failed: HTTP ${probe.status} ${probe.body.slice(0, 500)}`);
      }
      results.push(
        await measure(db.name, 'd', peer, (n) => ({ path: SERVICE_PATH, headers, body: depositRequest(`BENCH-${runId}-D-${n}`) }), soapOk('deposerSignalisationReponse')),
      );
      const last = await peer.stop();
      log(`node-soap stopped (kernel max RSS over its life ${mib(last.maxRss)})`);
    }
    if (wanted.has('u')) results.push(await measureUseCase(db.name, env, logFile, `BENCH-${runId}-U`));
  } finally {
    for (const child of children) child.kill();
    if (!flags['keep-db']) await db.drop();
    fs.rmSync(certsDir, { recursive: true, force: true });
  }
  if (!flags['keep-logs']) fs.rmSync(dataDir, { recursive: true, force: true });

  const loadAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const by = (id: ScenarioId) => results.find((r) => r.id === id);
  log('');
  log(`connections ${flags.connections}, warm-up ${flags.warmup} s, measured ${flags.duration} s per scenario; load average after: ${loadAfter.join(' ')}`);
  log('');
  log(
    table(
      ['scenario', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'requests', 'errors', 'peak RSS'],
      results.map((r) => [r.title, int(r.rps), ms(r.p50), ms(r.p90), ms(r.p99), ms(r.max), int(r.requests), int(r.errors), mib(r.memory.peakRss)]),
    ),
  );

  const cores = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
  const cpuMs = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
  log('');
  log('CPU over each measured window (cores = CPU seconds per second; ms = CPU milliseconds per request):');
  log('');
  log(
    table(
      ['scenario', 'server main thread', 'server process', 'server ms/req', 'PostgreSQL', 'PG ms/req', 'loader', 'loader ms/req', 'others', 'machine busy'],
      results.map((r) => [
        r.title,
        cores(r.cpu.serverMainCores),
        cores(r.cpu.serverCores),
        cpuMs(r.cpu.serverMsPerRequest),
        cores(r.cpu.postgresCores),
        cpuMs(r.cpu.postgresMsPerRequest),
        cores(r.cpu.loaderCores),
        cpuMs(r.cpu.loaderMsPerRequest),
        cores(r.cpu.otherCores),
        r.cpu.machineBusy === undefined ? '—' : `${(100 * r.cpu.machineBusy).toFixed(0)} %`,
      ]),
    ),
  );

  const ratio = (x: ScenarioId, y: ScenarioId) => {
    const a = by(x);
    const b = by(y);
    return a && b && b.rps > 0 ? a.rps / b.rps : undefined;
  };
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'MISS');
  const ba = ratio('b', 'a');
  const ca = ratio('c', 'a');
  const cd = ratio('c', 'd');
  const ud = ratio('u', 'd');
  const cu = ratio('c', 'u');
  const at32 = flags.connections === 32;
  const p99Rows = (['b', 'c'] as const).map((id) => {
    const r = by(id);
    return [
      `p99 of ${TITLES[id]} < 50 ms at 32 connections`,
      r ? `${ms(r.p99)} ms` : '—',
      verdict(r && at32 ? r.p99 < 50 : undefined) + (r && !at32 ? ` (run at ${flags.connections})` : ''),
    ];
  });
  const fmt = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
  log('');
  log(
    table(
      ['target', 'measured', 'verdict'],
      [
        ['b/a consult vs echo ≥ 0.60', fmt(ba), verdict(ba === undefined ? undefined : ba >= 0.6)],
        ['c/a deposit vs echo (for information)', fmt(ca), '—'],
        ['c/d deposit vs node-soap ≥ 2.00', fmt(cd), verdict(cd === undefined ? undefined : cd >= 2)],
        ['u/d use case alone vs node-soap: the most c/d could be', fmt(ud), '—'],
        ['c/u gateway deposit vs its use case alone', fmt(cu), '—'],
        ...p99Rows,
      ],
    ),
  );
  if (flags['cpu-prof']) log(`\nCPU profiles: ${profDir} (summary: node dist/bench/profile-summary.js ${path.relative(process.cwd(), profDir)})`);
  if (flags.json) {
    writeJson(flags.json, {
      date: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      flags,
      machine,
      loadAverageAfter: loadAfter,
      results,
      ratios: { ba, ca, cd, ud, cu },
    });
    log(`figures written to ${flags.json}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
