// Volumetry of the SOAP requests, counted in memory and written in batches (decision 0010):
// nothing is written on the request path; every few seconds (and on shutdown, and before a
// report) the counts of this process go to PostgreSQL in one multi-row UPSERT. A batch that cannot
// be written is kept and added to the next one, so counts are not lost while the database is
// briefly away; what a process killed with SIGKILL had not written yet (a few seconds) is lost.
import type { Logger } from 'pino';
import { countsInVolumetry, OPERATION_VOLUMETRY_KINDS, volumetryMinute, type VolumetryKind } from '../domain/volumetry.js';

export interface VolumetryCountRow {
  operatorCode: string;
  minute: Date;
  kind: VolumetryKind;
  requests: number;
}

export interface VolumetryRecorderOptions {
  /** Writes one batch (one statement). */
  write(counts: readonly VolumetryCountRow[]): Promise<void>;
  flushIntervalMs: number;
  logger: Logger;
}

/** What the request observer passes for each answered request. */
export interface CountedRequest {
  operation: string | undefined;
  operatorCode: string | undefined;
  outcome: string;
  at: Date;
}

export class VolumetryRecorder {
  private pending = new Map<string, VolumetryCountRow>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastError = 0;

  constructor(private readonly options: VolumetryRecorderOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Counts one answered request if its operation is of one of the five kinds (memory only). */
  count(request: CountedRequest): void {
    const kind = request.operation ? OPERATION_VOLUMETRY_KINDS[request.operation] : undefined;
    if (!kind || !request.operatorCode || !countsInVolumetry(request.outcome)) return;
    this.add(request.operatorCode, volumetryMinute(request.at), kind, 1);
  }

  /** Requests counted and not yet written. */
  get pendingRequests(): number {
    let total = 0;
    for (const c of this.pending.values()) total += c.requests;
    return total;
  }

  private add(operatorCode: string, minute: Date, kind: VolumetryKind, requests: number): void {
    const key = `${operatorCode}|${minute.getTime()}|${kind}`;
    const row = this.pending.get(key);
    if (row) row.requests += requests;
    else this.pending.set(key, { operatorCode, minute, kind, requests });
  }

  /** Writes what is counted so far (one batch at a time); a failed batch is kept for the next. */
  flush(): Promise<void> {
    if (this.flushing) {
      const again = () => this.flush();
      return this.flushing.then(again, again);
    }
    if (this.pending.size === 0) return Promise.resolve();
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = (async () => {
      try {
        await this.options.write(batch);
      } catch (error) {
        for (const c of batch) this.add(c.operatorCode, c.minute, c.kind, c.requests);
        if (Date.now() - this.lastError > 60_000) {
          this.lastError = Date.now();
          this.options.logger.warn({ err: error, pending: this.pendingRequests }, 'volumetry not written yet (kept for the next batch)');
        }
        throw error;
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Stops the timer and writes what is left (on shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      await this.flush();
    } catch (error) {
      this.options.logger.error({ err: error, lost: this.pendingRequests }, 'volumetry could not be written at shutdown');
    }
  }
}
