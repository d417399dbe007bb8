// Maintenance windows as the gateway applies them: the configured nightly window and the announced
// works windows (kept in the database, shared by every gateway process). Each process keeps the
// announced windows in memory, reloaded every few seconds: the check on the hot path reads no
// database (it must also answer when the database is the thing under maintenance), and a window
// is announced two working days ahead, so a reload delay of seconds is harmless. A failed reload
// keeps the last list.
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import { formatParisDateTime } from '../domain/paris-calendar.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import {
  maintenanceAt,
  maintenanceFault,
  nextMaintenance,
  openUntil,
  worksRefusal,
  type MaintenanceState,
  type NightlyMaintenance,
  type WorksWindow,
} from '../domain/maintenance.js';
import { frenchDateTime, NOTICE_RULE_TEXTS, type NoticeRule } from '../domain/notices.js';
import { UseCaseError } from './errors.js';
import { GATEWAY_AUTHOR, type ForceOptions, type NoticeService } from './notices.js';
import type { AnnouncedWindow, MaintenanceWindowRepository } from './operations-ports.js';

export interface MaintenanceServiceOptions {
  clock: Clock;
  calendar: HolidayCalendar;
  repository: MaintenanceWindowRepository;
  /** The nightly window; undefined: none. */
  nightly: NightlyMaintenance | undefined;
  logger: Logger;
  /** The notices to the operators: an announced window publishes its own (decision 0022). */
  notices?: NoticeService | undefined;
}

export interface MaintenanceStatus {
  enMaintenance: boolean;
  nature?: string;
  reference?: string;
  motif?: string;
  debut?: string;
  fin?: string;
  prochaine?: { nature: string; debut: string; fin: string };
}

export class MaintenanceService {
  private windows: WorksWindow[] = [];
  private refreshing: Promise<void> | undefined;
  /**
   * What assertOpen last found: open from `from` until `until` (ms, half-open) with these windows
   * (openUntil in src/domain/maintenance.ts). A reload brings a new list, hence a new check.
   */
  private open: { from: number; until: number; windows: readonly WorksWindow[] } = { from: 0, until: 0, windows: [] };

  constructor(private readonly options: MaintenanceServiceOptions) {}

  get nightly(): NightlyMaintenance | undefined {
    return this.options.nightly;
  }

  /** (Re)loads the announced windows: at start, then periodically (the process's scheduler, decision 0014). */
  async refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        this.windows = await this.options.repository.active(this.options.clock.now());
      } catch (error) {
        this.options.logger.warn({ err: error }, 'maintenance windows not reloaded (the last known ones still apply)');
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** The maintenance in force at `now`, from memory (no database read). */
  current(now: Date = this.options.clock.now()): MaintenanceState | undefined {
    return maintenanceAt(now, this.options.nightly, this.windows);
  }

  /** The next announced works window that starts after `now`, from memory (the portal shows it ahead of time). */
  upcomingWorks(now: Date = this.options.clock.now()): WorksWindow | undefined {
    return this.windows.filter((w) => w.start.getTime() > now.getTime()).sort((a, b) => a.start.getTime() - b.start.getTime())[0];
  }

  /** Fault 402 (planned end, reessayerApres) when the service is in maintenance at `now`. */
  assertOpen(now: Date): void {
    const t = now.getTime();
    const open = this.open;
    if (open.windows === this.windows && t >= open.from && t < open.until) return;
    const state = this.current(now);
    if (state) throw maintenanceFault(state, now, formatParisDateTime);
    this.open = { from: t, until: openUntil(now, this.options.nightly, this.windows), windows: this.windows };
  }

  status(now: Date = this.options.clock.now()): MaintenanceStatus {
    const state = this.current(now);
    const next = nextMaintenance(state ? state.end : now, this.options.nightly, this.windows);
    return {
      enMaintenance: state !== undefined,
      ...(state
        ? {
            nature: state.nature,
            ...(state.reference ? { reference: state.reference } : {}),
            motif: state.motif,
            debut: state.start.toISOString(),
            fin: state.end.toISOString(),
          }
        : {}),
      ...(next ? { prochaine: { nature: next.nature, debut: next.start.toISOString(), fin: next.end.toISOString() } } : {}),
    };
  }

  /**
   * Announces a works window and publishes its notice to every operator in the same transaction.
   * Refused with less than two working days' notice (rule TRAVAUX_DEUX_JOURS_OUVRES, art. 10.2)
   * unless a named staff member forces it (audited).
   */
  async announce(start: Date, end: Date, motif: string, options: ForceOptions = {}): Promise<AnnouncedWindow> {
    const now = this.options.clock.now();
    const refusal = worksRefusal(now, start, end, this.options.calendar, formatParisDateTime);
    let forcedRule: NoticeRule | null = null;
    if (refusal) {
      const rule: NoticeRule = 'TRAVAUX_DEUX_JOURS_OUVRES';
      if (refusal.reason !== 'PREAVIS') throw new UseCaseError('invalid', `fenêtre de travaux refusée : ${refusal.message}`);
      if (!options.force) {
        throw new UseCaseError('refused', `fenêtre de travaux refusée : ${refusal.message} (règle ${rule}, ${NOTICE_RULE_TEXTS[rule]}) ; un agent du support peut forcer le préavis (force, audité)`);
      }
      if (!options.agent?.trim()) throw new UseCaseError('invalid', 'requête invalide : agent obligatoire pour forcer un préavis');
      forcedRule = rule;
    }
    const notices = this.options.notices;
    const created = notices
      ? (
          await notices.publishWith(
            (tx) => tx.maintenance.announce({ start, end, motif }, now),
            (w) => ({
              sourceKey: `travaux-esav:${w.reference}`,
              draft: {
                kind: 'TRAVAUX_ESAV',
                operatorCodes: null,
                title: `Travaux sur e-SAV du ${frenchDateTime(w.start)} au ${frenchDateTime(w.end)}`,
                body:
                  `Des travaux sur e-SAV sont programmés (${w.motif}). Pendant cette fenêtre, les web-services répondent ` +
                  `par l’erreur 402 (service en maintenance) avec la fin prévue, et le portail e-SAV en ligne est indisponible. ` +
                  `Référence des travaux : ${w.reference}.`,
                startsAt: w.start,
                endsAt: w.end,
              },
            }),
            {
              actor: options.agent?.trim() || GATEWAY_AUTHOR,
              forcedRule,
              auditAction: 'TRAVAUX_ESAV_ANNONCES',
              auditDetails: (w) => ({ reference: w.reference, debut: w.start.toISOString(), fin: w.end.toISOString() }),
            },
          )
        ).result
      : await this.options.repository.announce({ start, end, motif }, now);
    await this.refresh();
    return created;
  }

  async list(limit: number): Promise<AnnouncedWindow[]> {
    return this.options.repository.list(this.options.clock.now(), limit);
  }

  /** Cancels an announced works window; the operators are told (a notice to every operator, in the same transaction). */
  async cancel(reference: string, options: { agent?: string | undefined } = {}): Promise<AnnouncedWindow> {
    const now = this.options.clock.now();
    const notices = this.options.notices;
    const notFound = () => new UseCaseError('not-found', `fenêtre de travaux ${reference} inconnue`);
    let cancelled: AnnouncedWindow | undefined;
    if (notices) {
      cancelled = (
        await notices.publishWith(
          async (tx) => {
            const done = await tx.maintenance.cancel(reference, now);
            if (!done) throw notFound();
            return done;
          },
          (w) => ({
            sourceKey: `travaux-esav-annulation:${w.reference}`,
            draft: {
              kind: 'TRAVAUX_ESAV',
              operatorCodes: null,
              title: `Annulation des travaux sur e-SAV du ${frenchDateTime(w.start)}`,
              body: `Les travaux sur e-SAV annoncés du ${frenchDateTime(w.start)} au ${frenchDateTime(w.end)} (${w.motif}, référence ${w.reference}) sont annulés : le service reste ouvert.`,
              startsAt: w.start,
              endsAt: w.end,
            },
          }),
          // Always audited: reopening the service during announced works is a staff decision.
          { actor: options.agent?.trim() || GATEWAY_AUTHOR, forcedRule: null, auditAction: 'TRAVAUX_ESAV_ANNULES', auditDetails: (w) => ({ reference: w.reference }), alwaysAudit: true },
        )
      ).result;
    } else {
      cancelled = await this.options.repository.cancel(reference, now);
    }
    if (!cancelled) throw notFound();
    await this.refresh();
    return cancelled;
  }
}
