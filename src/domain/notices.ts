// Notices to the operators ("Espace Opérateurs" messages, issue 15, decision 0022): what a notice
// is (kind, operators concerned, dates, French title and text) and the contract's minimum notice
// periods, checked when the action a notice announces is announced. Pure: instants in, verdicts out.
//
// The periods (articles of the contract):
// - works on e-SAV: at least two working days (art. 10.2), the rule of src/domain/maintenance.ts;
// - a temporary rate limit: the day before (art. 6), the rule of src/domain/rate-limit.ts;
// - the provider's certificate renewal: 15 working days before expiry (art. 5.2.2), the rule of
//   src/domain/operators.ts;
// - web-service changes (art. 12): URL, IP address or authentication at least 15 calendar days
//   ahead, a minor version 2 months, a major version 6 months;
// - form changes (art. 12): 2 months.
import type { HolidayCalendar } from './holidays.js';
import { earliestWorksStart } from './maintenance.js';
import { PROVIDER_RENEWAL_WORKING_DAYS, workingDaysBefore } from './operators.js';
import { addDays, addParisMonths, parisDayOf, parisDayStart, parisWallTime } from './paris-calendar.js';
import { RATE_LIMIT_NOTICE_MS } from './rate-limit.js';

export const NOTICE_KINDS = ['MAINTENANCE', 'TRAVAUX_ESAV', 'LIMITE_DEBIT', 'CERTIFICAT', 'VERSION_WEB_SERVICE', 'VERSION_FORMULAIRE', 'AUTRE'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** How a kind is shown to the operators. */
export const NOTICE_KIND_LABELS: Readonly<Record<NoticeKind, string>> = {
  MAINTENANCE: 'Maintenance',
  TRAVAUX_ESAV: 'Travaux sur e-SAV',
  LIMITE_DEBIT: 'Limitation de débit',
  CERTIFICAT: 'Certificat',
  VERSION_WEB_SERVICE: 'Version des web-services',
  VERSION_FORMULAIRE: 'Version des formulaires',
  AUTRE: 'Information',
};

/** The kinds of web-service change, each with its own notice period. */
export const WEB_SERVICE_CHANGES = ['ACCES', 'MINEURE', 'MAJEURE'] as const;
export type WebServiceChange = (typeof WEB_SERVICE_CHANGES)[number];

export const NOTICE_RULES = [
  'TRAVAUX_DEUX_JOURS_OUVRES',
  'LIMITE_LA_VEILLE',
  'CERTIFICAT_QUINZE_JOURS_OUVRES',
  'WS_ACCES_QUINZE_JOURS',
  'WS_MINEURE_DEUX_MOIS',
  'WS_MAJEURE_SIX_MOIS',
  'FORMULAIRE_DEUX_MOIS',
] as const;
export type NoticeRule = (typeof NOTICE_RULES)[number];

/** Each rule as named in a refusal: the article and what it asks. */
export const NOTICE_RULE_TEXTS: Readonly<Record<NoticeRule, string>> = {
  TRAVAUX_DEUX_JOURS_OUVRES: 'art. 10.2 : travaux sur e-SAV annoncés au moins deux jours ouvrés à l’avance',
  LIMITE_LA_VEILLE: 'art. 6 : limitation temporaire de débit annoncée la veille',
  CERTIFICAT_QUINZE_JOURS_OUVRES: 'art. 5.2.2 : renouvellement du certificat annoncé 15 jours ouvrés avant son expiration',
  WS_ACCES_QUINZE_JOURS: 'art. 12 : changement d’URL, d’adresse IP ou d’authentification annoncé au moins 15 jours calendaires à l’avance',
  WS_MINEURE_DEUX_MOIS: 'art. 12 : évolution mineure des web-services annoncée au moins 2 mois à l’avance',
  WS_MAJEURE_SIX_MOIS: 'art. 12 : évolution majeure des web-services annoncée au moins 6 mois à l’avance',
  FORMULAIRE_DEUX_MOIS: 'art. 12 : évolution des formulaires annoncée au moins 2 mois à l’avance',
};

export interface Notice {
  id: number;
  kind: NoticeKind;
  /** The operators concerned; null: all of them. */
  operatorCodes: string[] | null;
  title: string;
  body: string;
  publishedAt: Date;
  /** Start and end of what the notice announces (absent: not dated). */
  startsAt: Date | null;
  endsAt: Date | null;
  /** Who wrote it: a staff member, or "e-SAV" for the notices the gateway writes itself. */
  createdBy: string;
  /** The rule a staff member forced (the notice was given too late), or null. */
  forcedRule: NoticeRule | null;
  withdrawnAt: Date | null;
}

const two = (n: number) => String(n).padStart(2, '0');

/** An instant as the notices' French texts show it: "27/11/2026 à 10h00" (Paris time). */
export function frenchDateTime(instant: Date): string {
  const w = parisWallTime(instant);
  return `${two(w.day)}/${two(w.month)}/${w.year} à ${two(w.hour)}h${two(w.minute)}`;
}

/** The public reference of a notice (AV-000042). */
export const noticeReference = (id: number): string => `AV-${String(id).padStart(6, '0')}`;

/** The id of a reference AV-000042 (or 42), or undefined when it is not one. */
export function noticeIdOf(reference: string): number | undefined {
  const m = /^(?:AV-)?0*([1-9][0-9]{0,11})$/.exec(reference.trim());
  return m ? Number(m[1]) : undefined;
}

/** Whether a notice concerns an operator (all operators, or it is in the list). */
export function concerns(notice: Pick<Notice, 'operatorCodes'>, operatorCode: string): boolean {
  return notice.operatorCodes === null || notice.operatorCodes.includes(operatorCode);
}

/** The rule a dated action of a kind must respect, when the contract sets one. */
export function ruleOf(kind: NoticeKind, change?: WebServiceChange): NoticeRule | undefined {
  switch (kind) {
    case 'TRAVAUX_ESAV':
      return 'TRAVAUX_DEUX_JOURS_OUVRES';
    case 'LIMITE_DEBIT':
      return 'LIMITE_LA_VEILLE';
    case 'CERTIFICAT':
      return 'CERTIFICAT_QUINZE_JOURS_OUVRES';
    case 'VERSION_FORMULAIRE':
      return 'FORMULAIRE_DEUX_MOIS';
    case 'VERSION_WEB_SERVICE':
      return change === 'ACCES' ? 'WS_ACCES_QUINZE_JOURS' : change === 'MINEURE' ? 'WS_MINEURE_DEUX_MOIS' : 'WS_MAJEURE_SIX_MOIS';
    default:
      return undefined;
  }
}

/**
 * The latest instant at which an action taking effect at `effectiveAt` may be announced under
 * `rule`; for the certificate, `effectiveAt` is the expiry (the notice is due 15 working days
 * before the Paris day it expires).
 */
export function latestAnnouncement(rule: NoticeRule, effectiveAt: Date, calendar: HolidayCalendar): Date {
  switch (rule) {
    case 'CERTIFICAT_QUINZE_JOURS_OUVRES':
      // The end of the Paris day that is 15 working days before the expiry day.
      return new Date(parisDayStart(addDays(workingDaysBefore(parisDayOf(effectiveAt), PROVIDER_RENEWAL_WORKING_DAYS, calendar), 1)).getTime() - 1);
    default:
      throw new RangeError(`latestAnnouncement: ${rule} is read with earliestEffect`);
  }
}

/** The earliest instant an action announced at `now` may take effect under `rule`. */
export function earliestEffect(rule: NoticeRule, now: Date, calendar: HolidayCalendar): Date {
  switch (rule) {
    case 'TRAVAUX_DEUX_JOURS_OUVRES':
      return earliestWorksStart(now, calendar);
    case 'LIMITE_LA_VEILLE':
      return new Date(now.getTime() + RATE_LIMIT_NOTICE_MS);
    case 'CERTIFICAT_QUINZE_JOURS_OUVRES': {
      // The first expiry day whose 15-working-day notice day is today or later.
      let day = addDays(parisDayOf(now), 1);
      while (workingDaysBefore(day, PROVIDER_RENEWAL_WORKING_DAYS, calendar) < parisDayOf(now)) day = addDays(day, 1);
      return parisDayStart(day);
    }
    case 'WS_ACCES_QUINZE_JOURS':
      return new Date(parisDayStart(addDays(parisDayOf(now), 15)).getTime() + (now.getTime() - parisDayStart(parisDayOf(now)).getTime()));
    case 'WS_MINEURE_DEUX_MOIS':
    case 'FORMULAIRE_DEUX_MOIS':
      return addParisMonths(now, 2);
    case 'WS_MAJEURE_SIX_MOIS':
      return addParisMonths(now, 6);
  }
}

export interface NoticeShortfall {
  rule: NoticeRule;
  earliest: Date;
  message: string;
}

/**
 * Why an action of rule `rule` announced at `now` to take effect at `effectiveAt` is announced too
 * late, or undefined when the notice is long enough. The message names the rule and the earliest
 * possible date.
 */
export function noticeShortfall(rule: NoticeRule, now: Date, effectiveAt: Date, calendar: HolidayCalendar): NoticeShortfall | undefined {
  const earliest = earliestEffect(rule, now, calendar);
  if (effectiveAt.getTime() >= earliest.getTime()) return undefined;
  return {
    rule,
    earliest,
    message: `préavis insuffisant (règle ${rule}, ${NOTICE_RULE_TEXTS[rule]}) : prise d’effet possible au plus tôt le ${frenchDateTime(earliest)} (heure de Paris)`,
  };
}

export const MAX_NOTICE_TITLE = 200;
export const MAX_NOTICE_BODY = 5000;

export interface NoticeDraft {
  kind: NoticeKind;
  operatorCodes: string[] | null;
  title: string;
  body: string;
  startsAt: Date | null;
  endsAt: Date | null;
}

/** What is wrong with a notice as written (field messages, French); empty when it may be published. */
export function noticeDraftErrors(draft: NoticeDraft): string[] {
  const errors: string[] = [];
  if (!NOTICE_KINDS.includes(draft.kind)) errors.push(`type : ${String(draft.kind)} inconnu (${NOTICE_KINDS.join(', ')})`);
  const title = draft.title.trim();
  if (title.length === 0 || title.length > MAX_NOTICE_TITLE) errors.push(`titre : 1 à ${MAX_NOTICE_TITLE} caractères`);
  const body = draft.body.trim();
  if (body.length === 0 || body.length > MAX_NOTICE_BODY) errors.push(`texte : 1 à ${MAX_NOTICE_BODY} caractères`);
  if (draft.operatorCodes !== null) {
    if (draft.operatorCodes.length === 0) errors.push('operateurs : au moins un opérateur (ou aucun champ : tous)');
    for (const code of draft.operatorCodes) if (!/^[A-Z0-9]{4}$/.test(code)) errors.push(`operateurs : code ${code} invalide (4 caractères)`);
  }
  if (draft.startsAt && draft.endsAt && draft.endsAt.getTime() < draft.startsAt.getTime()) errors.push('fin : doit suivre le début');
  return errors;
}

/** The French text of an e-mail carrying a notice (subject and plain-text body). */
export function noticeMail(notice: Notice, operatorName: string): { subject: string; text: string } {
  const dates =
    notice.startsAt && notice.endsAt
      ? `Du ${frenchDateTime(notice.startsAt)} au ${frenchDateTime(notice.endsAt)} (heure de Paris).\n\n`
      : notice.startsAt
        ? `À partir du ${frenchDateTime(notice.startsAt)} (heure de Paris).\n\n`
        : '';
  return {
    subject: `[e-SAV] ${NOTICE_KIND_LABELS[notice.kind]} : ${notice.title}`,
    text:
      `Bonjour,\n\nl’équipe e-SAV informe ${operatorName} :\n\n${notice.title}\n\n${dates}${notice.body}\n\n` +
      `Référence de l’avis : ${noticeReference(notice.id)}, publié le ${frenchDateTime(notice.publishedAt)}.\n` +
      `Cet avis est aussi consultable dans l’Espace Opérateurs du portail e-SAV en ligne et par le web-service SignalisationService v2 (consulterAvis).\n\n` +
      `Cordialement,\nle support e-SAV\n`,
  };
}
