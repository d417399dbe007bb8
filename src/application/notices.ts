// Notices to the operators (issue 15, decision 0022): published by support staff, or written by the
// gateway itself when the action they announce is announced (a works window, a rate limit, the
// provider's certificate due for renewal), in the same transaction as that action. The contract's
// minimum notice periods are checked first: too late is refused naming the rule, unless a staff
// member forces it (audited, and the notice keeps the forced rule). Each notice is then carried
// by e-mail to the operators concerned through the durable queue (one job per notice and
// operator, enqueued in the same transaction; none when no SMTP server is configured), and read
// in the portal's notice board (read marks per portal user) and through SignalisationService v2.
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import {
  frenchDateTime,
  latestAnnouncement,
  noticeDraftErrors,
  noticeMail,
  noticeReference,
  noticeShortfall,
  NOTICE_RULE_TEXTS,
  ruleOf,
  type Notice,
  type NoticeDraft,
  type NoticeRule,
  type WebServiceChange,
} from '../domain/notices.js';
import { UseCaseError } from './errors.js';
import type { Mailer, NoticeMailJobs, NoticeRepository, NoticeTransaction, NoticeWithRead } from './notice-ports.js';

/** The author of the notices the gateway writes itself. */
export const GATEWAY_AUTHOR = 'e-SAV';

export interface NoticeServiceOptions {
  clock: Clock;
  calendar: HolidayCalendar;
  repository: NoticeRepository;
  /** The e-mail queue; undefined: no SMTP server configured, the notices are only kept. */
  mailJobs?: NoticeMailJobs | undefined;
  mailer?: Mailer | undefined;
  logger: Logger;
}

/** A staff member forcing a notice period: who, and whether. */
export interface ForceOptions {
  agent?: string | undefined;
  force?: boolean | undefined;
}

export interface AutomaticNotice {
  draft: NoticeDraft;
  /** null: a notice written by hand (no idempotence key). */
  sourceKey: string | null;
}

export class NoticeService {
  constructor(private readonly options: NoticeServiceOptions) {}

  /** Whether the notices are also sent by e-mail (an SMTP server is configured). */
  get mailing(): boolean {
    return this.options.mailJobs !== undefined;
  }

  /**
   * Checks the notice period of `rule` for an action taking effect at `effectiveAt` announced now:
   * null when long enough; refused (naming the rule) when too late, unless forced by a named
   * staff member, in which case the forced rule is returned (to be audited with the action).
   */
  checkPeriod(rule: NoticeRule, effectiveAt: Date, options: ForceOptions, what: string): NoticeRule | null {
    const shortfall = noticeShortfall(rule, this.options.clock.now(), effectiveAt, this.options.calendar);
    if (!shortfall) return null;
    if (!options.force) throw new UseCaseError('refused', `${what} refusé(e) : ${shortfall.message} ; un agent du support peut forcer le préavis (force, audité)`);
    if (!options.agent?.trim()) throw new UseCaseError('invalid', 'requête invalide : agent obligatoire pour forcer un préavis');
    return rule;
  }

  /**
   * Runs an announced action and writes its notice in one transaction (with the audit of a forced
   * rule and the e-mail jobs); the notice is undefined when the action's source key already has one.
   */
  async publishWith<T>(
    action: (tx: NoticeTransaction) => Promise<T>,
    noticeOf: (result: T) => AutomaticNotice,
    meta: { actor: string; forcedRule: NoticeRule | null; auditAction: string; auditDetails: (result: T) => Record<string, unknown>; operatorCode?: string | null; alwaysAudit?: boolean },
  ): Promise<{ result: T; notice: Notice | undefined }> {
    const now = this.options.clock.now();
    const out = await this.options.repository.transaction(async (tx) => {
      const result = await action(tx);
      const { draft, sourceKey } = noticeOf(result);
      const notice = await this.insertInTransaction(tx, { ...draft, publishedAt: now, createdBy: meta.actor, sourceKey, forcedRule: meta.forcedRule });
      if (meta.forcedRule || meta.alwaysAudit) {
        await tx.audit({
          at: now,
          actor: meta.actor,
          action: meta.auditAction,
          operatorCode: meta.operatorCode ?? null,
          details: {
            ...meta.auditDetails(result),
            ...(meta.forcedRule ? { preavisForce: meta.forcedRule, regle: NOTICE_RULE_TEXTS[meta.forcedRule] } : {}),
            ...(notice ? { avis: noticeReference(notice.id) } : {}) },
        });
      }
      return { result, notice };
    });
    this.options.mailJobs?.wake();
    return out;
  }

  private async insertInTransaction(tx: NoticeTransaction, notice: Parameters<NoticeTransaction['insert']>[0]): Promise<Notice | undefined> {
    const created = await tx.insert(notice);
    if (created && this.options.mailJobs) {
      for (const operatorCode of await tx.recipients(created.operatorCodes)) {
        await this.options.mailJobs.enqueueInTransaction(tx.executor, { noticeId: created.id, operatorCode });
      }
    }
    return created;
  }

  /**
   * A notice written by a staff member. A dated notice of a kind the contract sets a period for
   * (works, rate limit, certificate, web-service or form version) is checked against it.
   */
  async create(agent: string, draft: NoticeDraft & { change?: WebServiceChange }, options: ForceOptions = {}): Promise<Notice> {
    const errors = noticeDraftErrors(draft);
    if (errors.length > 0) throw new UseCaseError('invalid', `requête invalide : ${errors.join(' ; ')}`);
    if (draft.operatorCodes) {
      const known = new Set(await this.options.repository.existingOperators(draft.operatorCodes));
      const unknown = draft.operatorCodes.filter((c) => !known.has(c));
      if (unknown.length > 0) throw new UseCaseError('not-found', `operateurs : opérateur(s) ${unknown.join(', ')} inconnu(s)`);
    }
    const rule = ruleOf(draft.kind, draft.change);
    let forcedRule: NoticeRule | null = null;
    if (rule && draft.startsAt) {
      if (rule === 'CERTIFICAT_QUINZE_JOURS_OUVRES') {
        // The certificate's expiry is the notice's date: due 15 working days before it.
        const latest = latestAnnouncement(rule, draft.startsAt, this.options.calendar);
        if (this.options.clock.now().getTime() > latest.getTime()) {
          if (!options.force) {
            throw new UseCaseError(
              'refused',
              `avis refusé : préavis insuffisant (règle ${rule}, ${NOTICE_RULE_TEXTS[rule]}) : l’avis devait être publié au plus tard le ${frenchDateTime(latest)} ; un agent du support peut forcer le préavis (force, audité)`,
            );
          }
          forcedRule = rule;
        }
      } else {
        forcedRule = this.checkPeriod(rule, draft.startsAt, { agent, force: options.force }, 'avis');
      }
    }
    const { notice } = await this.publishWith(
      async () => undefined,
      () => ({ draft: { ...draft, title: draft.title.trim(), body: draft.body.trim() }, sourceKey: null }),
      { actor: agent, forcedRule, auditAction: 'AVIS_PUBLIE', auditDetails: () => ({ type: draft.kind }), alwaysAudit: true },
    );
    return notice!;
  }

  async list(options: { operatorCode?: string; includeWithdrawn: boolean; limit: number }): Promise<Notice[]> {
    return this.options.repository.list(options);
  }

  async withdraw(agent: string, reference: string): Promise<Notice> {
    const id = this.idOf(reference);
    const now = this.options.clock.now();
    const withdrawn = await this.options.repository.withdraw(id, now, { at: now, actor: agent, action: 'AVIS_RETIRE', details: { avis: noticeReference(id) } });
    if (!withdrawn) throw new UseCaseError('not-found', `avis ${reference} inconnu`);
    return withdrawn;
  }

  private idOf(reference: string): number {
    const m = /^(?:AV-)?0*([1-9][0-9]{0,11})$/.exec(reference.trim());
    if (!m) throw new UseCaseError('not-found', `avis ${reference} inconnu`);
    return Number(m[1]);
  }

  // ------------------------------------------------------------ the operators' side

  /** The notice board of a portal user: the notices concerning its operator, unread ones marked. */
  async board(operatorCode: string, webUser: string, limit = 200): Promise<NoticeWithRead[]> {
    return this.options.repository.forUser(operatorCode, webUser, limit);
  }

  async unreadCount(operatorCode: string, webUser: string): Promise<number> {
    return this.options.repository.unreadCount(operatorCode, webUser);
  }

  async markRead(operatorCode: string, webUser: string, ids: number[] | 'all'): Promise<number> {
    return this.options.repository.markRead(operatorCode, webUser, ids, this.options.clock.now());
  }

  /** The notices concerning an operator (web service), newest first, optionally published since an instant. */
  async forOperator(operatorCode: string, since: Date | undefined, limit = 200): Promise<Notice[]> {
    const all = await this.options.repository.list({ operatorCode, includeWithdrawn: false, limit });
    return since ? all.filter((n) => n.publishedAt.getTime() >= since.getTime()) : all;
  }

  // ------------------------------------------------------------ automatic notices

  /**
   * The provider's own certificate (the gateway's server or client certificate): its renewal
   * notice, written once (idempotent across processes and runs) from the day it is due, 15
   * working days before its expiry. Returns the notice when this call wrote it.
   */
  async certificateRenewal(certificate: { role: string; fingerprint: string; notAfter: Date }): Promise<Notice | undefined> {
    const now = this.options.clock.now();
    if (now.getTime() >= certificate.notAfter.getTime()) return undefined;
    const latest = latestAnnouncement('CERTIFICAT_QUINZE_JOURS_OUVRES', certificate.notAfter, this.options.calendar);
    // Due from the Paris day 15 working days before the expiry (the end of that day is `latest`).
    if (now.getTime() < latest.getTime() - 86_400_000 + 1) return undefined;
    const { notice } = await this.publishWith(
      async () => undefined,
      () => ({
        sourceKey: `certificat:${certificate.fingerprint}`,
        draft: {
          kind: 'CERTIFICAT',
          operatorCodes: null,
          title: `Renouvellement du certificat ${certificate.role} d’e-SAV`,
          body:
            `Le certificat ${certificate.role} du fournisseur (empreinte SHA-256 ${certificate.fingerprint.slice(0, 16)}…) expire le ` +
            `${frenchDateTime(certificate.notAfter)}. Il sera renouvelé avant cette date : mettez à jour votre magasin de confiance ` +
            `avec la chaîne de l’autorité de certification du fournisseur si nécessaire.`,
          startsAt: certificate.notAfter,
          endsAt: null,
        },
      }),
      { actor: GATEWAY_AUTHOR, forcedRule: null, auditAction: 'AVIS_PUBLIE', auditDetails: () => ({}) },
    );
    if (notice) this.options.logger.info({ notice: noticeReference(notice.id), certificate: certificate.fingerprint }, 'certificate renewal notice published');
    return notice;
  }

  /**
   * The notices of the versions registered with their dates (decision 0022): a web-service version
   * of the version registry and a form version of the catalogue that go live after now each get
   * their notice to every operator, once (idempotent across processes and runs). They are
   * configuration, not requests: a short notice period cannot be refused there, it is logged
   * (and written in the notice) so that support staff see it. Returns the notices written.
   */
  async versionNotices(plan: {
    webServices: ReadonlyArray<{ service: string; version: string; production: Date; previousEnd?: Date | undefined }>;
    forms: ReadonlyArray<{ idFormulaire: string; version: number; production: Date }>;
  }): Promise<Notice[]> {
    const now = this.options.clock.now();
    const written: Notice[] = [];
    const publish = async (sourceKey: string, draft: NoticeDraft, rule: NoticeRule) => {
      const shortfall = noticeShortfall(rule, now, draft.startsAt!, this.options.calendar);
      if (shortfall) this.options.logger.warn({ notice: sourceKey, rule }, `version announced with a short notice period: ${shortfall.message}`);
      // A version whose date leaves less than the contract's notice was forced by whoever wrote
      // the registry or the catalogue: the notice says so (preavisForce) and the audit log keeps it,
      // as for a notice forced by an agent, not only a log line.
      const { notice } = await this.publishWith(async () => undefined, () => ({ sourceKey, draft }), {
        actor: GATEWAY_AUTHOR,
        forcedRule: shortfall ? rule : null,
        auditAction: 'AVIS_PUBLIE',
        auditDetails: () => ({}),
      });
      if (notice) written.push(notice);
    };
    for (const v of plan.webServices) {
      if (v.production.getTime() <= now.getTime()) continue;
      await publish(
        `version-ws:${v.service}:${v.version}`,
        {
          kind: 'VERSION_WEB_SERVICE',
          operatorCodes: null,
          title: `${v.service} version ${v.version} en production le ${frenchDateTime(v.production)}`,
          body:
            `La version ${v.version} du web-service ${v.service} sera en production le ${frenchDateTime(v.production)} (heure de Paris), ` +
            `avec son WSDL et son schéma publiés. ` +
            (v.previousEnd ? `La version précédente restera en service jusqu’au ${frenchDateTime(v.previousEnd)}.` : 'Les versions en service le restent.'),
          startsAt: v.production,
          endsAt: null,
        },
        'WS_MAJEURE_SIX_MOIS',
      );
    }
    for (const f of plan.forms) {
      if (f.production.getTime() <= now.getTime()) continue;
      await publish(
        `version-formulaire:${f.idFormulaire}:${f.version}`,
        {
          kind: 'VERSION_FORMULAIRE',
          operatorCodes: null,
          title: `Formulaire ${f.idFormulaire} version ${f.version} à partir du ${frenchDateTime(f.production)}`,
          body:
            `La version ${f.version} du formulaire ${f.idFormulaire} sera acceptée à partir du ${frenchDateTime(f.production)} (heure de Paris) ; ` +
            `la version précédente reste acceptée un mois encore. Ses champs sont décrits dans l’espace documentation du portail et par consulterCatalogue.`,
          startsAt: f.production,
          endsAt: null,
        },
        'FORMULAIRE_DEUX_MOIS',
      );
    }
    return written;
  }

  // ------------------------------------------------------------ e-mail

  /**
   * The e-mail job of one notice and operator (run by the durable queue): sent once to the
   * operator's e-SAV contact and order-form address, recorded; a failure throws (the queue retries).
   */
  async deliver(job: { noticeId: number; operatorCode: string }): Promise<'sent' | 'skipped'> {
    const { repository, mailer, logger } = this.options;
    if (!mailer) throw new Error('no SMTP server configured');
    if (await repository.mailSent(job.noticeId, job.operatorCode)) return 'skipped';
    const notice = await repository.find(job.noticeId);
    if (!notice || notice.withdrawnAt) return 'skipped';
    const recipients = await repository.mailRecipients(job.operatorCode);
    if (!recipients || recipients.addresses.length === 0) {
      logger.warn({ notice: noticeReference(notice.id), operator: job.operatorCode }, 'notice not mailed: the operator has no e-SAV contact nor order-form address');
      return 'skipped';
    }
    const mail = noticeMail(notice, recipients.name);
    const sent = await mailer.send({ to: recipients.addresses, ...mail });
    await repository.recordMail(notice.id, job.operatorCode, recipients.addresses, this.options.clock.now(), sent.messageId);
    return 'sent';
  }
}
