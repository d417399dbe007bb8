// Ports of the operations use cases: the announced works windows (src/application/maintenance.ts)
// and the per-operator rate limits with their shared per-minute counters
// (src/application/rate-limits.ts). Implemented on PostgreSQL by src/adapters/postgres/maintenance.ts
// and rate-limits.ts.
import type { WorksWindow } from '../domain/maintenance.js';
import type { RateLimit } from '../domain/rate-limit.js';

export interface AnnouncedWindow extends WorksWindow {
  createdAt: Date;
  cancelledAt: Date | null;
}

export interface MaintenanceWindowRepository {
  announce(window: { start: Date; end: Date; motif: string }, now: Date): Promise<AnnouncedWindow>;
  /** Windows not cancelled that end after `since` (what the gateways apply), earliest first. */
  active(since: Date): Promise<AnnouncedWindow[]>;
  /** Every window ending after `since`, cancelled ones included (back office). */
  list(since: Date, limit: number): Promise<AnnouncedWindow[]>;
  /** Cancels a window not yet cancelled; undefined when there is none with that reference. */
  cancel(reference: string, now: Date): Promise<AnnouncedWindow | undefined>;
}

export interface RateLimitRepository {
  operatorExists(operatorCode: string): Promise<boolean>;
  /** Sets (or replaces) the limit of an operator from `effectiveFrom` on. */
  set(limit: Omit<RateLimit, 'createdAt'>, now: Date): Promise<RateLimit>;
  /** For every operator, the limit in force at `now` and those planned after it (older ones are history). */
  current(now: Date): Promise<RateLimit[]>;
  /**
   * Counts one request of `operatorCode` in `minute` if fewer than `limit` were admitted, for
   * every gateway process at once: true when admitted, false when the budget of the minute is
   * spent (nothing counted).
   */
  consume(operatorCode: string, minute: Date, limit: number): Promise<boolean>;
  /** Forgets the counters of minutes before `before`. */
  purge(before: Date): Promise<void>;
}
