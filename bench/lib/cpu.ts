// Where the CPU goes during a measured window (Linux /proc): the server's main thread (its event
// loop) and whole process, the loader process, every PostgreSQL process, and the machine.
// Elsewhere than Linux the figures are simply absent.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticks = 100;
try {
  ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // getconf missing: Linux's usual 100 Hz
}

/** utime + stime of a /proc stat file, in seconds; undefined when unreadable. */
function statSeconds(file: string): number | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return undefined;
  }
}

/**
 * CPU of the PostgreSQL processes that work for this benchmark: the backends connected to
 * `database` and the server-wide ones (postmaster, WAL writer, checkpointer, background writer,
 * autovacuum…), not the backends of other databases (other people's tests on the same server).
 */
function postgresSeconds(database: string): number | undefined {
  let total = 0;
  let seen = false;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  for (const pid of entries) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!text.includes('(postgres)')) continue;
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      // A backend names its client ("postgres: 15/main: user db 127.0.0.1(5432) idle"); the others do not.
      const backend = /\(\d+\)|\[local\]/.test(cmdline);
      if (backend && !cmdline.includes(` ${database} `)) continue;
      const s = statSeconds(`/proc/${pid}/stat`);
      if (s !== undefined) {
        total += s;
        seen = true;
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return seen ? total : undefined;
}

function machineSeconds(): { busy: number; total: number } | undefined {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: (total - idle) / ticks, total: total / ticks };
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  wall: number;
  serverMain?: number | undefined;
  server?: number | undefined;
  loader: number;
  postgres?: number | undefined;
  machine?: { busy: number; total: number } | undefined;
}

export function cpuSnapshot(serverPid: number, database: string): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    wall: performance.now() / 1000,
    serverMain: statSeconds(`/proc/${serverPid}/task/${serverPid}/stat`),
    server: statSeconds(`/proc/${serverPid}/stat`),
    loader: (usage.user + usage.system) / 1e6,
    postgres: postgresSeconds(database),
    machine: machineSeconds(),
  };
}

export interface CpuUse {
  seconds: number;
  /** CPU seconds per wall second (1 = one core busy) of each party. */
  serverMainCores?: number | undefined;
  serverCores?: number | undefined;
  loaderCores: number;
  postgresCores?: number | undefined;
  /** Share of the machine's CPUs busy (0..1), everything included. */
  machineBusy?: number | undefined;
  /** CPU seconds per second used by everything else on the machine (other processes, kernel threads). */
  otherCores?: number | undefined;
  /** CPU milliseconds per request. */
  serverMsPerRequest?: number | undefined;
  postgresMsPerRequest?: number | undefined;
  loaderMsPerRequest: number;
}

export function cpuUse(a: CpuSnapshot, b: CpuSnapshot, requests: number): CpuUse {
  const seconds = b.wall - a.wall;
  const d = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? undefined : y - x);
  const perSecond = (v: number | undefined) => (v === undefined || seconds <= 0 ? undefined : v / seconds);
  const perRequest = (v: number | undefined) => (v === undefined || requests === 0 ? undefined : (1000 * v) / requests);
  const server = d(a.server, b.server);
  const postgres = d(a.postgres, b.postgres);
  const loader = b.loader - a.loader;
  const machine = a.machine && b.machine ? (b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total) : undefined;
  const machineCores = a.machine && b.machine && seconds > 0 ? (b.machine.busy - a.machine.busy) / seconds : undefined;
  const ours = (server ?? 0) + (postgres ?? 0) + loader;
  return {
    seconds,
    serverMainCores: perSecond(d(a.serverMain, b.serverMain)),
    serverCores: perSecond(server),
    loaderCores: perSecond(loader)!,
    postgresCores: perSecond(postgres),
    machineBusy: machine,
    otherCores: machineCores === undefined ? undefined : Math.max(0, machineCores - ours / seconds),
    serverMsPerRequest: perRequest(server),
    postgresMsPerRequest: perRequest(postgres),
    loaderMsPerRequest: perRequest(loader)!,
  };
}
