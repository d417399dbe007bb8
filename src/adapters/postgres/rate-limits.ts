// SQL of the per-operator rate limits and of their shared per-minute counters (migration 0007).
// The counter is one conditional UPSERT per request of a limited operator: the row of (operator,
// minute) is created at 1 or incremented only while below the limit, atomically in PostgreSQL, so
// every gateway process draws on the same budget; no row back means "over the limit".
import type { RateLimit } from '../../domain/rate-limit.js';
import type { RateLimitRepository } from '../../application/operations-ports.js';
import type { Queryable } from './db.js';

interface LimitRow {
  operator_code: string;
  requests_per_minute: number | null;
  effective_from: Date;
  motif: string | null;
  created_at: Date;
}

const toLimit = (r: LimitRow): RateLimit => ({
  operatorCode: r.operator_code,
  requestsPerMinute: r.requests_per_minute,
  effectiveFrom: r.effective_from,
  motif: r.motif,
  createdAt: r.created_at,
});

export class SqlRateLimitRepository implements RateLimitRepository {
  constructor(private readonly db: Queryable) {}

  async operatorExists(operatorCode: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM operators WHERE code = $1', [operatorCode])).length > 0;
  }

  /** Sets (or replaces) the limit of an operator from `effectiveFrom` on. */
  async set(limit: Omit<RateLimit, 'createdAt'>, now: Date): Promise<RateLimit> {
    const rows = await this.db.query<LimitRow>(
      `INSERT INTO rate_limits (operator_code, requests_per_minute, effective_from, motif, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (operator_code, effective_from)
       DO UPDATE SET requests_per_minute = EXCLUDED.requests_per_minute, motif = EXCLUDED.motif, created_at = EXCLUDED.created_at
       RETURNING *`,
      [limit.operatorCode, limit.requestsPerMinute, limit.effectiveFrom, limit.motif, now],
    );
    return toLimit(rows[0]!);
  }

  /** For every operator, the limit in force at `now` and those planned after it (older ones are history). */
  async current(now: Date): Promise<RateLimit[]> {
    const rows = await this.db.query<LimitRow>(
      `SELECT r.* FROM rate_limits r
        WHERE r.effective_from >= COALESCE(
                (SELECT max(p.effective_from) FROM rate_limits p WHERE p.operator_code = r.operator_code AND p.effective_from <= $1),
                '-infinity'::timestamptz)
        ORDER BY r.operator_code, r.effective_from`,
      [now],
    );
    return rows.map(toLimit);
  }

  /**
   * Counts one request of `operatorCode` in `minute` if fewer than `limit` were admitted:
   * true when admitted, false when the budget of the minute is spent (nothing counted).
   */
  async consume(operatorCode: string, minute: Date, limit: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO rate_limit_counters AS c (operator_code, minute, requests) VALUES ($1, $2, 1)
       ON CONFLICT (operator_code, minute) DO UPDATE SET requests = c.requests + 1 WHERE c.requests < $3
       RETURNING c.requests`,
      [operatorCode, minute, limit],
    );
    return rows.length > 0;
  }

  /** Requests admitted in a minute (tests, back office). */
  async admitted(operatorCode: string, minute: Date): Promise<number> {
    const rows = await this.db.query<{ requests: number }>('SELECT requests FROM rate_limit_counters WHERE operator_code = $1 AND minute = $2', [
      operatorCode,
      minute,
    ]);
    return rows[0]?.requests ?? 0;
  }

  /** Forgets the counters of minutes before `before`. */
  async purge(before: Date): Promise<void> {
    await this.db.query('DELETE FROM rate_limit_counters WHERE minute < $1', [before]);
  }
}
