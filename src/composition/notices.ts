// Composition of the notices to the operators (issue 15, decision 0022): the use case over its
// PostgreSQL repository and, when ESAV_SMTP_URL is set, the SMTP sender and the durable e-mail
// queue with its worker in this process; the periodic job that publishes the renewal notice of the
// provider's own certificate (the gateway's server certificate) once across the processes, and
// the job that announces the web-service and form versions registered with their dates.
import { X509Certificate } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import { NoticeService } from '../application/notices.js';
import type { Database } from '../adapters/postgres/db.js';
import { SqlNoticeRepository } from '../adapters/postgres/notices.js';
import { NoticeMailQueue } from '../adapters/queue/notice-mail-queue.js';
import { smtpMailer } from '../adapters/mail/smtp-mailer.js';
import type { GatewayConfig } from './config/config.js';
import type { VersionRegistry } from './config/versions.js';
import type { Catalogue } from '../domain/catalogue.js';
import { parisDayStart } from '../domain/paris-calendar.js';

export interface NoticesRuntime {
  service: NoticeService;
  /** The e-mail queue; undefined without SMTP server. */
  mails: NoticeMailQueue | undefined;
  /** Starts sending the queued e-mails in this process (after the use cases are built), unless ESAV_MAIL_WORKERS=0. */
  startMailing(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNotices(deps: { db: Database; config: GatewayConfig; clock: Clock; calendar: HolidayCalendar; logger: Logger }): Promise<NoticesRuntime> {
  const logger = deps.logger.child({ component: 'notices' });
  const mailer = deps.config.smtp ? smtpMailer(deps.config.smtp) : undefined;
  const mails = deps.config.smtp ? new NoticeMailQueue(deps.db, logger) : undefined;
  await mails?.start();
  const service = new NoticeService({ clock: deps.clock, calendar: deps.calendar, repository: new SqlNoticeRepository(deps.db), mailJobs: mails, mailer, logger });
  return {
    service,
    mails,
    async startMailing() {
      if (deps.config.smtp?.workers) await mails?.startWorker((job) => service.deliver(job));
    },
    async stop() {
      await mails?.stop();
      mailer?.close();
    },
  };
}

/**
 * The renewal notice of one of the gateway's own certificates, when it is due (idempotent): the
 * server certificate of the operators' port ('serveur'), the client certificate presented to the
 * operators' callback servers ('client (notifications poussées)').
 */
export async function certificateRenewalNotice(service: NoticeService, certPem: string, role: string): Promise<void> {
  const cert = new X509Certificate(certPem);
  await service.certificateRenewal({
    role,
    fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    notAfter: new Date(cert.validTo),
  });
}

/** The notices of the web-service versions (version registry) and form versions (catalogue) that go live later (idempotent). */
export async function versionNotices(service: NoticeService, versions: VersionRegistry, catalogue: Catalogue): Promise<void> {
  const webServices = versions.entries.map((v) => {
    const previous = versions.entries.find((o) => o.service === v.service && Number(o.version) === Number(v.version) - 1);
    return { service: v.service, version: v.version, production: v.production, previousEnd: previous?.fin };
  });
  const forms = new Map<string, { idFormulaire: string; version: number; production: Date }>();
  for (const offer of catalogue.offers.values()) {
    for (const f of offer.formulaires) forms.set(`${f.idFormulaire}:${f.version}`, { idFormulaire: f.idFormulaire, version: f.version, production: parisDayStart(f.dateProduction) });
  }
  await service.versionNotices({ webServices, forms: [...forms.values()] });
}
