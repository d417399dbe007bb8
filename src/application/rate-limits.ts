// Per-operator rate limits as the gateway applies them (decision 0010).
//
// Cost on the hot path:
// - an operator without a limit in force (the normal case): nothing but a Map lookup; the limits
//   are kept in memory and reloaded every few seconds (they are announced the day before);
// - a limited operator: one single-row conditional UPSERT on an UNLOGGED table per request
//   (RateLimitRepository.consume), the shared budget of every gateway process;
// - once an operator's budget of the minute is spent, this process refuses its further requests
//   of that minute from memory (no database round trip: an operator hammering the service costs
//   nothing more), until the next minute.
// If the counter cannot be written (database trouble), the request is let through: the limiter
// must not add a failure of its own; the use case will meet the same database anyway.
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import { limitInForce, minuteOf, noticeWarning, RATE_LIMIT_NOTICE_MS, rateLimitFault, type RateLimit } from '../domain/rate-limit.js';
import { frenchDateTime, NOTICE_RULE_TEXTS, type NoticeRule } from '../domain/notices.js';
import { UseCaseError } from './errors.js';
import { GATEWAY_AUTHOR, type ForceOptions, type NoticeService } from './notices.js';
import type { RateLimitRepository } from './operations-ports.js';

export interface RateLimiterOptions {
  clock: Clock;
  repository: RateLimitRepository;
  logger: Logger;
  /** The notices to the operators: a limit set publishes its own (decision 0022). */
  notices?: NoticeService | undefined;
}

export interface RateLimitSetting {
  limit: RateLimit;
  /** Set when the limit takes effect less than a day after it was set. */
  avertissement?: string;
}

const MINUTE_MS = 60_000;

export class RateLimiter {
  private limits = new Map<string, RateLimit[]>();
  /** Operator → end of the minute whose budget this process saw spent. */
  private spent = new Map<string, number>();
  private refreshing: Promise<void> | undefined;
  private lastWarning = 0;

  constructor(private readonly options: RateLimiterOptions) {}

  /**
   * (Re)loads the limits into this process's memory: at start, then periodically (the process's
   * scheduler, decision 0014); a failure keeps the last limits.
   */
  async refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const now = this.options.clock.now();
      try {
        const byOperator = new Map<string, RateLimit[]>();
        for (const l of await this.options.repository.current(now)) {
          const list = byOperator.get(l.operatorCode) ?? [];
          list.push(l);
          byOperator.set(l.operatorCode, list);
        }
        this.limits = byOperator;
      } catch (error) {
        this.options.logger.warn({ err: error }, 'rate limits not reloaded (the last known ones still apply)');
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Forgets the shared counters of past minutes (a cluster-wide job: one process does it per period). */
  async purgeCounters(): Promise<void> {
    await this.options.repository.purge(new Date(minuteOf(this.options.clock.now()).getTime() - 2 * MINUTE_MS));
  }

  /** The limit (requests per minute) of an operator at `now`, from memory; null when none. */
  limitOf(operatorCode: string, now: Date): number | null {
    const list = this.limits.get(operatorCode);
    return list ? (limitInForce(list, now)?.requestsPerMinute ?? null) : null;
  }

  /** Fault 401 (reessayerApres: the next minute) when the operator's budget of the minute is spent. */
  async admit(operatorCode: string, now: Date): Promise<void> {
    const limit = this.limitOf(operatorCode, now);
    if (limit === null) return;
    const spentUntil = this.spent.get(operatorCode);
    if (spentUntil !== undefined) {
      if (now.getTime() < spentUntil) throw rateLimitFault(limit, now);
      this.spent.delete(operatorCode);
    }
    const minute = minuteOf(now);
    let admitted: boolean;
    try {
      admitted = await this.options.repository.consume(operatorCode, minute, limit);
    } catch (error) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.options.logger.warn({ err: error, operator: operatorCode }, 'rate limit counter unavailable: request let through');
      }
      return;
    }
    if (!admitted) {
      this.spent.set(operatorCode, minute.getTime() + MINUTE_MS);
      throw rateLimitFault(limit, now);
    }
  }

  // ------------------------------------------------------------------ back office

  /**
   * Sets an operator's limit from `effectiveFrom` (default: now) and publishes its notice to that
   * operator in the same transaction; null lifts it. A limit (not its lifting) is announced the day
   * before (rule LIMITE_LA_VEILLE, art. 6): with less notice it is refused, unless a named staff
   * member forces it (audited; the warning is then given back).
   */
  async set(operatorCode: string, requestsPerMinute: number | null, effectiveFrom: Date | undefined, motif: string | null, options: ForceOptions = {}): Promise<RateLimitSetting> {
    const now = this.options.clock.now();
    const from = effectiveFrom ?? now;
    if (from.getTime() < minuteOf(now).getTime()) throw new UseCaseError('invalid', 'requête invalide : la date d’effet est dans le passé');
    if (!(await this.options.repository.operatorExists(operatorCode))) throw new UseCaseError('not-found', `opérateur ${operatorCode} inconnu`);
    const warning = requestsPerMinute !== null ? noticeWarning(now, from) : undefined;
    let forcedRule: NoticeRule | null = null;
    if (warning) {
      const rule: NoticeRule = 'LIMITE_LA_VEILLE';
      if (!options.force) {
        throw new UseCaseError(
          'refused',
          `limite refusée : préavis insuffisant (règle ${rule}, ${NOTICE_RULE_TEXTS[rule]}) : prise d’effet possible au plus tôt le ${frenchDateTime(new Date(now.getTime() + RATE_LIMIT_NOTICE_MS))} ; un agent du support peut forcer le préavis (force, audité)`,
        );
      }
      if (!options.agent?.trim()) throw new UseCaseError('invalid', 'requête invalide : agent obligatoire pour forcer un préavis');
      forcedRule = rule;
    }
    const row = { operatorCode, requestsPerMinute, effectiveFrom: from, motif };
    const notices = this.options.notices;
    const limit = notices
      ? (
          await notices.publishWith(
            (tx) => tx.rateLimits.set(row, now),
            (l) => ({
              sourceKey: `limite:${l.operatorCode}:${l.effectiveFrom.toISOString()}:${l.createdAt.toISOString()}`,
              draft: {
                kind: 'LIMITE_DEBIT',
                operatorCodes: [l.operatorCode],
                title:
                  l.requestsPerMinute === null
                    ? `Levée de la limitation de débit à partir du ${frenchDateTime(l.effectiveFrom)}`
                    : `Limitation temporaire de débit à ${l.requestsPerMinute} requêtes par minute à partir du ${frenchDateTime(l.effectiveFrom)}`,
                body:
                  l.requestsPerMinute === null
                    ? `La limitation de débit de vos requêtes aux web-services e-SAV est levée à partir du ${frenchDateTime(l.effectiveFrom)}.`
                    : `En raison de la charge du service, vos requêtes aux web-services e-SAV sont limitées à ${l.requestsPerMinute} par minute ` +
                      `à partir du ${frenchDateTime(l.effectiveFrom)}${l.motif ? ` (motif : ${l.motif})` : ''}. Au-delà, le service répond par ` +
                      `l’erreur 401 avec le délai après lequel réessayer.`,
                startsAt: l.effectiveFrom,
                endsAt: null,
              },
            }),
            {
              actor: options.agent?.trim() || GATEWAY_AUTHOR,
              forcedRule,
              operatorCode,
              auditAction: 'LIMITE_DEBIT_DEFINIE',
              auditDetails: (l) => ({ requetesParMinute: l.requestsPerMinute, aPartirDe: l.effectiveFrom.toISOString() }),
            },
          )
        ).result
      : await this.options.repository.set(row, now);
    await this.refresh();
    return { limit, ...(warning ? { avertissement: warning } : {}) };
  }

  /** The limits in force or planned, per operator, with the one in force at now marked. */
  async list(): Promise<Array<RateLimit & { enVigueur: boolean }>> {
    const now = this.options.clock.now();
    const all = await this.options.repository.current(now);
    const inForce = new Set<RateLimit>();
    const byOperator = new Map<string, RateLimit[]>();
    for (const l of all) byOperator.set(l.operatorCode, [...(byOperator.get(l.operatorCode) ?? []), l]);
    for (const list of byOperator.values()) {
      const current = list.filter((l) => l.effectiveFrom.getTime() <= now.getTime()).at(-1);
      if (current) inForce.add(current);
    }
    return all.map((l) => ({ ...l, enVigueur: inForce.has(l) }));
  }
}
