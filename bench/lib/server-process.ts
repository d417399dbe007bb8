// A server under test runs in a child process of its own (so the loader and the server never
// share an event loop). Both sides of the small IPC protocol are here:
//   child  → parent  {type:'ready', port, tls}       once listening
//   parent → child   {type:'reset-peak'} / {type:'peak'} / {type:'stop'}, each answered with
//   child  → parent  {type:'memory', id, peakRss, rss, maxRss}
//   parent → child   {type:'profile-start', label} / {type:'profile-stop'}: a V8 CPU profile of
//                    the child's main thread over exactly that span, written as
//                    <BENCH_CPU_PROFILE_DIR>/<label>.cpuprofile (only when that variable is set)
// The child samples its resident set size every 20 ms; peakRss is the highest sample since the
// last reset, maxRss the kernel's high-water mark for the whole process life.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import type { ClientTls } from './load.js';

export interface Memory {
  peakRss: number;
  rss: number;
  maxRss: number;
}

export interface ReadyMessage {
  type: 'ready';
  port: number;
  /** The demo operator's client certificate and the CA that signed the server's. */
  tls: ClientTls;
}

type ParentMessage = { type: 'reset-peak' | 'peak' | 'stop' | 'profile-start' | 'profile-stop'; id: number; label?: string };
type ChildMessage = ReadyMessage | ({ type: 'memory'; id: number } & Memory) | { type: 'failed'; error: string };

/** Child side: runs `start`, reports readiness and memory, stops on request. */
export function serveFromChild(start: () => Promise<{ port: number; tls: ClientTls; close(): Promise<void> }>): void {
  if (!process.send) throw new Error('this script is started by the benchmark runner (child_process.fork)');
  const send = (message: ChildMessage) => process.send!(message);
  let peak = process.memoryUsage.rss();
  const sample = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, 20);
  sample.unref();
  const memory = (): Memory => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
    return { peakRss: peak, rss, maxRss: process.resourceUsage().maxRSS * 1024 };
  };
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  let session: Session | undefined;
  let profileLabel = 'profile';
  const startProfile = async (label: string) => {
    if (!profileDir) return;
    profileLabel = label;
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  };
  const stopProfile = async () => {
    if (!session || !profileDir) return;
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    session = undefined;
    fs.mkdirSync(profileDir, { recursive: true });
    fs.writeFileSync(path.join(profileDir, `${profileLabel}.cpuprofile`), JSON.stringify(profile));
  };
  start().then(
    (server) => {
      process.on('message', (raw: ParentMessage) => {
        if (raw.type === 'profile-start') {
          void startProfile(raw.label ?? 'profile').finally(() => send({ type: 'memory', id: raw.id, ...memory() }));
        } else if (raw.type === 'profile-stop') {
          void stopProfile().finally(() => send({ type: 'memory', id: raw.id, ...memory() }));
        } else if (raw.type === 'reset-peak') {
          peak = process.memoryUsage.rss();
          send({ type: 'memory', id: raw.id, ...memory() });
        } else if (raw.type === 'peak') {
          send({ type: 'memory', id: raw.id, ...memory() });
        } else if (raw.type === 'stop') {
          const last = memory();
          void server.close().finally(() => {
            clearInterval(sample);
            send({ type: 'memory', id: raw.id, ...last });
            // Leaves on its own once the IPC channel is closed (so --cpu-prof can write its file).
            process.disconnect();
          });
        }
      });
      send({ type: 'ready', port: server.port, tls: server.tls });
    },
    (error: unknown) => {
      send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exitCode = 1;
      process.disconnect();
    },
  );
}

export interface ServerChild {
  origin: string;
  tls: ClientTls;
  pid: number;
  resetPeak(): Promise<Memory>;
  memory(): Promise<Memory>;
  /** CPU profile of the child's main thread (when it was forked with BENCH_CPU_PROFILE_DIR). */
  profileStart(label: string): Promise<Memory>;
  profileStop(): Promise<Memory>;
  /** Stops the server, waits for the process to end; returns the memory at the stop. */
  stop(): Promise<Memory>;
  kill(): void;
}

export interface ForkOptions {
  env: Record<string, string>;
  /** Node flags of the child (e.g. --cpu-prof). */
  execArgv?: string[];
  /** stdout and stderr of the child go to this file. */
  logFile: string;
  startTimeoutMs?: number;
}

/** Parent side: forks the server script and waits until it listens. */
export async function forkServer(script: string, options: ForkOptions): Promise<ServerChild> {
  const log = fs.openSync(options.logFile, 'a');
  const child: ChildProcess = fork(script, [], {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', log, log, 'ipc'],
  });
  fs.closeSync(log);
  let nextId = 1;
  const waiting = new Map<number, (m: Memory) => void>();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${options.startTimeoutMs ?? 120_000} ms (see ${options.logFile})`)), options.startTimeoutMs ?? 120_000);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${script} failed to start: ${message.error}`));
      } else if (message.type === 'memory') {
        const { type: _type, id, ...memory } = message;
        waiting.get(id)?.(memory);
        waiting.delete(id);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with code ${code} before it was ready (see ${options.logFile})`));
    });
  });

  const ask = (type: ParentMessage['type'], label?: string) =>
    new Promise<Memory>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ type, id, ...(label ? { label } : {}) } satisfies ParentMessage, (error) => error && reject(error));
    });

  return {
    origin: `https://127.0.0.1:${ready.port}`,
    tls: ready.tls,
    pid: child.pid!,
    resetPeak: () => ask('reset-peak'),
    memory: () => ask('peak'),
    profileStart: (label: string) => ask('profile-start', label),
    profileStop: () => ask('profile-stop'),
    async stop() {
      const memory = await ask('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      return memory;
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
