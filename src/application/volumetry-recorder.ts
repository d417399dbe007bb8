// Volumetry of the SOAP requests, counted in memory and written in batches (decision 0010):
// nothing is written on the request path; every few seconds (the process's scheduler, decision
// 0014), on shutdown and before a report, the counts of this process go to PostgreSQL in one multi-row UPSERT. A batch that cannot
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
  private flushing: Promise<void> | undefined;
  private lastError = 0;

  constructor(private readonly options: VolumetryRecorderOptions) {}

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

  /** Writes what is left (on shutdown, once the operators' port is closed). */
  async stop(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      this.options.logger.error({ err: error, lost: this.pendingRequests }, 'volumetry could not be written at shutdown');
    }
  }
}
