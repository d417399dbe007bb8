// Operators and their client certificates, as support staff manage them: the order form ("Bon de
// commande e-SAV") an operator is onboarded from, the renewal calendar of certificates, the
// switch notice between provider-issued and CA-issued certificates, and what a promotion to
// production requires. Pure: no I/O, every "now" is an argument.
import type { HolidayCalendar } from './holidays.js';
import { addDays, parisDayOf, type ParisDay } from './paris-calendar.js';
import { isWorkingDay } from './working-time.js';

// ---------------------------------------------------------------- order form

/** Access requested on the order form: the online portal, the integrated web services, or both. */
export const ACCES_DEMANDES = ['EN_LIGNE', 'INTEGRE', 'LES_DEUX'] as const;
export type AccesDemande = (typeof ACCES_DEMANDES)[number];

export const OPERATOR_CODE = /^[A-Z0-9]{4}$/;
/** `<REF CG>-ESAV`: the reference of the general conditions the contract refers to, then `-ESAV`. */
export const CONTRACT_REFERENCE = /^[A-Z0-9][A-Z0-9._/-]{0,58}-ESAV$/;
const BUSINESS_CASE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_ADDRESS_LINES = 3;
const MAX_ADDRESS_LINE = 100;
const MAX_NAME = 200;
const MAX_COMMENTS = 2000;

export interface ContactEsav {
  nom: string;
  fonction: string;
  telephone: string;
  email: string;
}

/** The order form, once checked (strings trimmed, phone numbers without separators). */
export interface BonDeCommande {
  codeOperateur: string;
  referenceContrat: string;
  numeroAffaire: string;
  raisonSociale: string;
  siret: string;
  representant: string;
  telephone: string;
  email: string;
  /** Postal address, 1 to 3 lines. */
  adresse: string[];
  /** The operator's designated e-SAV contact, optional as a whole. */
  contactEsav: ContactEsav | null;
  acces: AccesDemande;
  commentaires: string | null;
}

/** The order form as typed by support staff (every field may be missing or wrong). */
export type BonDeCommandeSaisi = { [K in keyof BonDeCommande]?: unknown };

export type OrderFormCheck = { ok: true; value: BonDeCommande } | { ok: false; errors: string[] };

/**
 * The Luhn key of a SIRET (14 digits): the sum of the digits, every second one from the right
 * doubled (minus 9 above 9), is a multiple of 10. La Poste's establishments (SIREN 356000000) are
 * the known exception: the plain sum of their digits is a multiple of 5.
 */
export function isValidSiret(siret: string): boolean {
  if (!/^[0-9]{14}$/.test(siret)) return false;
  if (luhn(siret)) return true;
  return siret.startsWith('356000000') && [...siret].reduce((sum, d) => sum + Number(d), 0) % 5 === 0;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A French or international phone number, separators (spaces, dots, dashes) removed; undefined if invalid. */
export function normalisePhone(raw: string): string | undefined {
  const compact = raw.replace(/[\s.\-()]/g, '');
  if (/^0[1-9][0-9]{8}$/.test(compact)) return compact;
  if (/^\+[1-9][0-9]{7,14}$/.test(compact)) return compact;
  return undefined;
}

/**
 * Checks an order form and says everything that is wrong at once, field by field, in the words
 * of the form ("SIRET : clé de contrôle invalide").
 */
export function checkBonDeCommande(input: BonDeCommandeSaisi): OrderFormCheck {
  const errors: string[] = [];
  const text = (field: string, label: string, value: unknown, max: number, required = true): string | null => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (required) errors.push(`${label} (${field}) : obligatoire`);
      return null;
    }
    if (typeof value !== 'string') {
      errors.push(`${label} (${field}) : texte attendu`);
      return null;
    }
    const trimmed = value.trim();
    if (trimmed.length > max) {
      errors.push(`${label} (${field}) : ${max} caractères au plus`);
      return null;
    }
    return trimmed;
  };
  const phone = (field: string, label: string, value: unknown): string | null => {
    const raw = text(field, label, value, 30);
    if (raw === null) return null;
    const normalised = normalisePhone(raw);
    if (!normalised) errors.push(`${label} (${field}) : numéro invalide « ${raw} » (ex. 01 23 45 67 89 ou +33123456789)`);
    return normalised ?? null;
  };
  const email = (field: string, label: string, value: unknown): string | null => {
    const raw = text(field, label, value, 254);
    if (raw === null) return null;
    if (!EMAIL.test(raw)) errors.push(`${label} (${field}) : adresse e-mail invalide « ${raw} »`);
    return raw;
  };

  const code = text('codeOperateur', 'Code opérateur', input.codeOperateur, 4);
  if (code !== null && !OPERATOR_CODE.test(code)) {
    errors.push(`Code opérateur (codeOperateur) : 4 caractères parmi A-Z et 0-9 attendus, reçu « ${code} »`);
  }
  const referenceContrat = text('referenceContrat', 'Référence du contrat', input.referenceContrat, 64);
  if (referenceContrat !== null && !CONTRACT_REFERENCE.test(referenceContrat)) {
    errors.push(`Référence du contrat (referenceContrat) : format <REF CG>-ESAV attendu (ex. CG2026-0042-ESAV), reçu « ${referenceContrat} »`);
  }
  const numeroAffaire = text('numeroAffaire', 'Numéro d’affaire', input.numeroAffaire, 64);
  if (numeroAffaire !== null && !BUSINESS_CASE.test(numeroAffaire)) {
    errors.push(`Numéro d’affaire (numeroAffaire) : lettres, chiffres et . _ / - seulement, reçu « ${numeroAffaire} »`);
  }
  const raisonSociale = text('raisonSociale', 'Raison sociale', input.raisonSociale, MAX_NAME);
  const siretRaw = text('siret', 'SIRET', input.siret, 20);
  let siret: string | null = null;
  if (siretRaw !== null) {
    const compact = siretRaw.replace(/\s/g, '');
    if (!/^[0-9]{14}$/.test(compact)) errors.push(`SIRET (siret) : 14 chiffres attendus, reçu « ${siretRaw} »`);
    else if (!isValidSiret(compact)) errors.push(`SIRET (siret) : clé de contrôle invalide (${compact} ne satisfait pas la formule de Luhn)`);
    else siret = compact;
  }
  const representant = text('representant', 'Représentant', input.representant, MAX_NAME);
  const telephone = phone('telephone', 'Téléphone', input.telephone);
  const mail = email('email', 'E-mail', input.email);

  let adresse: string[] = [];
  if (input.adresse === undefined || input.adresse === null || (Array.isArray(input.adresse) && input.adresse.length === 0)) {
    errors.push('Adresse postale (adresse) : obligatoire (1 à 3 lignes)');
  } else if (!Array.isArray(input.adresse) || input.adresse.some((l) => typeof l !== 'string')) {
    errors.push('Adresse postale (adresse) : une liste de lignes attendue');
  } else {
    adresse = (input.adresse as string[]).map((l) => l.trim()).filter((l) => l !== '');
    if (adresse.length === 0) errors.push('Adresse postale (adresse) : obligatoire (1 à 3 lignes)');
    if (adresse.length > MAX_ADDRESS_LINES) errors.push(`Adresse postale (adresse) : ${MAX_ADDRESS_LINES} lignes au plus, reçu ${adresse.length}`);
    adresse.forEach((l, i) => {
      if (l.length > MAX_ADDRESS_LINE) errors.push(`Adresse postale (adresse), ligne ${i + 1} : ${MAX_ADDRESS_LINE} caractères au plus`);
    });
  }

  let contactEsav: ContactEsav | null = null;
  const c = input.contactEsav;
  if (c !== undefined && c !== null) {
    if (typeof c !== 'object' || Array.isArray(c)) {
      errors.push('Contact e-SAV (contactEsav) : objet attendu (nom, fonction, telephone, email)');
    } else {
      const fields = c as Record<string, unknown>;
      const given = ['nom', 'fonction', 'telephone', 'email'].some((k) => fields[k] !== undefined && fields[k] !== '');
      if (given) {
        // Optional as a whole; once designated, the contact is complete.
        const nom = text('contactEsav.nom', 'Contact e-SAV : nom', fields.nom, MAX_NAME);
        const fonction = text('contactEsav.fonction', 'Contact e-SAV : fonction', fields.fonction, MAX_NAME);
        const tel = phone('contactEsav.telephone', 'Contact e-SAV : téléphone', fields.telephone);
        const mailContact = email('contactEsav.email', 'Contact e-SAV : e-mail', fields.email);
        if (nom !== null && fonction !== null && tel !== null && mailContact !== null) {
          contactEsav = { nom, fonction, telephone: tel, email: mailContact };
        }
      }
    }
  }

  let acces: AccesDemande | null = null;
  if (input.acces === undefined || input.acces === null || input.acces === '') {
    errors.push(`Accès demandé (acces) : obligatoire (${ACCES_DEMANDES.join(', ')})`);
  } else if (typeof input.acces !== 'string' || !(ACCES_DEMANDES as readonly string[]).includes(input.acces)) {
    errors.push(`Accès demandé (acces) : ${ACCES_DEMANDES.join(', ')} attendu, reçu « ${String(input.acces)} »`);
  } else {
    acces = input.acces as AccesDemande;
  }
  const commentaires = text('commentaires', 'Commentaires', input.commentaires, MAX_COMMENTS, false);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      codeOperateur: code!,
      referenceContrat: referenceContrat!,
      numeroAffaire: numeroAffaire!,
      raisonSociale: raisonSociale!,
      siret: siret!,
      representant: representant!,
      telephone: telephone!,
      email: mail!,
      adresse,
      contactEsav,
      acces: acces!,
      commentaires,
    },
  };
}

// ---------------------------------------------------------------- certificates

/** FOURNISSEUR: issued by the provider's CA; AC_RECONNUE: from a recognised external CA. */
export type CertificateOrigin = 'FOURNISSEUR' | 'AC_RECONNUE';

/** Provider-issued certificates are renewed this many working days before they expire. */
export const PROVIDER_RENEWAL_WORKING_DAYS = 15;
/** A switch between provider-issued and CA-issued certificates is asked this many calendar days before expiry. */
export const SWITCH_NOTICE_DAYS = 30;

/** The Paris day `count` working days before `day` (`day` itself not counted). */
export function workingDaysBefore(day: ParisDay, count: number, calendar: HolidayCalendar): ParisDay {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  let current = day;
  for (let found = 0; found < count; ) {
    current = addDays(current, -1);
    if (isWorkingDay(current, calendar)) found++;
  }
  return current;
}

/**
 * The Paris day from which a certificate is due for renewal: a provider-issued one 15 working
 * days before the day it expires (weekends and public holidays not counted); one from a
 * recognised CA, which the operator renews with its CA, 30 calendar days before (the notice a
 * switch to a provider-issued certificate needs).
 */
export function renewalDueDay(notAfter: Date, origin: CertificateOrigin, calendar: HolidayCalendar): ParisDay {
  const expiryDay = parisDayOf(notAfter);
  return origin === 'FOURNISSEUR'
    ? workingDaysBefore(expiryDay, PROVIDER_RENEWAL_WORKING_DAYS, calendar)
    : addDays(expiryDay, -SWITCH_NOTICE_DAYS);
}

/** Whether the certificate is due for renewal on the Paris day of `now`. */
export function isDueForRenewal(notAfter: Date, origin: CertificateOrigin, now: Date, calendar: HolidayCalendar): boolean {
  return parisDayOf(now) >= renewalDueDay(notAfter, origin, calendar);
}

/**
 * The warning for a switch between provider-issued and CA-issued certificates asked less than
 * 30 calendar days before the current certificate expires; undefined when there is no switch or
 * it was asked in time. A warning, not a refusal: support staff decide, and it is audited.
 */
export function switchWarning(
  current: { origin: CertificateOrigin; notAfter: Date; fingerprint: string } | undefined,
  requested: CertificateOrigin,
  askedAt: Date,
): string | undefined {
  if (!current || current.origin === requested) return undefined;
  const noticeMs = current.notAfter.getTime() - askedAt.getTime();
  if (noticeMs >= SWITCH_NOTICE_DAYS * 86_400_000) return undefined;
  const days = Math.max(0, Math.floor(noticeMs / 86_400_000));
  const from = current.origin === 'FOURNISSEUR' ? 'certificat du fournisseur' : 'certificat d’une AC reconnue';
  const to = requested === 'FOURNISSEUR' ? 'certificat du fournisseur' : 'certificat d’une AC reconnue';
  return (
    `changement ${from} → ${to} demandé ${days} jour(s) avant l’expiration du certificat actuel ` +
    `(${current.fingerprint.slice(0, 16)}…, expire le ${parisDayOf(current.notAfter)}) : ` +
    `le contrat demande ${SWITCH_NOTICE_DAYS} jours calendaires de préavis`
  );
}

// ---------------------------------------------------------------- promotion to production

/** The domains an operator is promoted to production for (spec §3). */
export const PROMOTION_DOMAINS = ['signalisation', 'test'] as const;
export type PromotionDomain = (typeof PROMOTION_DOMAINS)[number];

/** The requested domains no passing conformance run covers (empty: the promotion may proceed). */
export function missingConformance(requested: readonly PromotionDomain[], passed: ReadonlySet<string>): PromotionDomain[] {
  return requested.filter((d) => !passed.has(d));
}
