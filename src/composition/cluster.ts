// Every core (decision 0024): the small primary process of `npm start` with ESAV_WORKERS > 1. It
// opens no database and serves nothing itself; it forks the workers (node:cluster), each a whole
// gateway (startGateway) serving the operators' mTLS port, the admin API and the web portal through
// cluster's shared listening sockets. The first worker starts alone (migrations, development PKI,
// admin token file, demo data are made once), then the others. A worker that dies is replaced
// after a back-off that doubles while crashes follow each other (a crash loop does not spin);
// SIGTERM/SIGINT drains every worker (each closes its gateway) and then the primary exits. A scrape
// of /metrics on any worker is answered with every ready worker's metrics, merged here.
import cluster, { type Worker } from 'node:cluster';
import { answerClusterScrapes } from './cluster-metrics.js';

/** Messages from a worker to the primary. */
export type WorkerMessage = { type: 'esav-ready'; banner: string };

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'esav-ready';
}

export interface SupervisorOptions {
  workers: number;
  /** Written once every first worker is ready: the banner of the first one and the processes' line. */
  onReady(banner: string, pids: number[]): void;
  /** A line for the operator (stdout). */
  say(line: string): void;
  /** How long a draining worker may take before it is killed (default 60 s). */
  drainTimeoutMs?: number;
  /** The first replacement's delay after a crash (default 500 ms), doubled per recent crash up to 30 s. */
  restartDelayMs?: number;
}

const MAX_RESTART_DELAY_MS = 30_000;
/** Crashes further apart than this do not lengthen the back-off. */
const CRASH_WINDOW_MS = 60_000;

/**
 * Runs the primary: resolves with the exit code once everything has stopped (0 after a signal,
 * 1 when the workers could not be started).
 */
export function superviseWorkers(options: SupervisorOptions): Promise<number> {
  const drainTimeoutMs = options.drainTimeoutMs ?? 60_000;
  const baseDelay = options.restartDelayMs ?? 500;
  const live = new Set<Worker>();
  const ready = new Set<Worker>();
  const pendingRestarts = new Set<NodeJS.Timeout>();
  let crashes: number[] = [];
  let started = false;
  let stopping = false;
  let exitCode = 0;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const fork = (): Worker => {
    const worker = cluster.fork();
    live.add(worker);
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      ready.add(worker);
      if (started) {
        options.say(`esav-gateway: worker ready (pid ${worker.process.pid})`);
      } else if (ready.size === 1) {
        firstBanner = message.banner;
        // The first worker made the database, PKI and token ready: the others start together.
        for (let i = 1; i < options.workers; i++) fork();
        if (options.workers === 1) announce();
      } else if (ready.size === options.workers) {
        announce();
      }
    });
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      ready.delete(worker);
      if (stopping) {
        if (live.size === 0) finish(exitCode);
        return;
      }
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!started) {
        options.say(`esav-gateway: worker pid ${worker.process.pid} exited (${how}) during the start: stopping`);
        void stop(1);
        return;
      }
      const now = Date.now();
      crashes = [...crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
      const delay = Math.min(MAX_RESTART_DELAY_MS, baseDelay * 2 ** (crashes.length - 1));
      options.say(`esav-gateway: worker pid ${worker.process.pid} exited (${how}): replaced in ${delay} ms`);
      const timer = setTimeout(() => {
        pendingRestarts.delete(timer);
        if (!stopping) fork();
      }, delay);
      pendingRestarts.add(timer);
    });
    return worker;
  };

  let firstBanner = '';
  const announce = () => {
    started = true;
    options.onReady(firstBanner, [...ready].map((w) => w.process.pid ?? 0));
  };

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const timer of pendingRestarts) clearTimeout(timer);
    pendingRestarts.clear();
    if (live.size === 0) {
      finish(exitCode);
      return;
    }
    // Each worker closes its gateway on SIGTERM (in-flight requests finish, jobs stop, pool closed).
    for (const worker of live) worker.process.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const worker of live) worker.process.kill('SIGKILL');
    }, drainTimeoutMs);
    killer.unref();
    await done;
    clearTimeout(killer);
  };

  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // /metrics on any worker answers the merged metrics of the ready ones (src/composition/cluster-metrics.ts).
  answerClusterScrapes(() => [...ready]);
  fork();
  return done;
}
