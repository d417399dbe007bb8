// Composition of the notices to the operators (issue 15, decision 0022): the use case over its
// PostgreSQL repository and, when ESAV_SMTP_URL is set, the SMTP sender and the durable e-mail
// queue with its worker in this process; the periodic job that publishes the renewal notice of the
// provider's own certificate (the gateway's server certificate) once across the processes.
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

export interface NoticesRuntime {
  service: NoticeService;
  /** The e-mail queue; undefined without SMTP server. */
  mails: NoticeMailQueue | undefined;
  /** Starts sending the queued e-mails in this process (after the use cases are built). */
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
      await mails?.startWorker((job) => service.deliver(job));
    },
    async stop() {
      await mails?.stop();
      mailer?.close();
    },
  };
}

/** The renewal notice of the gateway's own server certificate, when it is due (idempotent). */
export async function certificateRenewalNotice(service: NoticeService, certPem: string): Promise<void> {
  const cert = new X509Certificate(certPem);
  await service.certificateRenewal({
    role: 'serveur',
    fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    notAfter: new Date(cert.validTo),
  });
}
