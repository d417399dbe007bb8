// Operator administration by support staff (issue 6, decision 0009): onboarding from the order
// form, certificates (issue from the provider's CA, register from a recognised CA, bind to a
// profile, revoke, renew), recognised CAs, promotion to production. Every action is written to
// the audit log with the support staff name, in the same transaction as the change; refusals are
// audited too. Changes reach the running gateway at once through GatewayTlsControl.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import {
  checkBonDeCommande,
  isDueForRenewal,
  missingConformance,
  PROMOTION_DOMAINS,
  renewalDueDay,
  switchWarning,
  type BonDeCommandeSaisi,
  type CertificateOrigin,
  type PromotionDomain,
} from '../domain/operators.js';
import { addDays, parisDayOf } from '../domain/paris-calendar.js';
import { operatorState, type OperatorState } from '../domain/operator-lifecycle.js';
import { UseCaseError } from './errors.js';
import { OperatorConflict } from './operator-ports.js';
import type {
  AuditQuery,
  AuthorityRecord,
  CertificateDelivery,
  CertificateRecord,
  ConformanceEvidence,
  GatewayTlsControl,
  IssuedCertificate,
  OperatorAdminRepository,
  OperatorRecord,
  ProfileRecord,
  ProviderPki,
  RecordedAuditEntry,
} from './operator-ports.js';

export const MIN_VALIDITY_DAYS = 1;
export const MAX_VALIDITY_DAYS = 1095;
export const MIN_PKCS12_PASSWORD = 12;
/** notBefore of issued certificates is set this far in the past: peers with a slow clock accept them. */
const CLOCK_SKEW_MS = 3600_000;
const DAY_MS = 86_400_000;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const FINGERPRINT_PREFIX = /^[0-9a-f]{8,63}$/;

export interface OperatorServiceDeps {
  repository: OperatorAdminRepository;
  pki: ProviderPki;
  conformance: ConformanceEvidence;
  /** The running gateway's TLS front; absent when no gateway runs in this process. */
  tls?: GatewayTlsControl;
  /** CAs trusted by configuration: ESAV_TLS_CA (or the development CA), the provider CA, ESAV_EXTERNAL_CA. */
  configuredAuthorities: readonly string[];
  /** Business time: audit, registration, revocation and promotion times. */
  clock: Clock;
  /** Real time: certificate validity (OpenSSL checks certificates against it). */
  pkiClock: Clock;
  calendar: HolidayCalendar;
  /** Validity of issued certificates when support staff do not give one. */
  defaultValidityDays: number;
  /** After a certificate of a recognised CA is registered (its CRLs fetched: decision 0019); returns warnings. */
  afterRegister?: (certPem: string) => Promise<string[]>;
}

export interface CertificateRequestBase {
  operatorCode: string;
  profileName: string;
  agent: string;
  /** When the operator asked (for the 30-day switch notice); default: now. */
  askedAt?: Date;
}

export type Issuance =
  | { kind: 'CSR'; csrPem: string; validityDays?: number }
  | { kind: 'PKCS12'; password?: string; validityDays?: number };

export interface CertificateOutcome {
  certificate: CertificateRecord;
  warnings: string[];
}

export interface Pkcs12Outcome extends CertificateOutcome {
  pkcs12: Buffer;
  /** The password, when generated here (shown once, never stored). */
  generatedPassword?: string;
}

export interface RenewalDue {
  certificate: CertificateRecord;
  /** Paris day from which it is due; and the day it expires. */
  dueDay: string;
  expiryDay: string;
  due: boolean;
}

export interface OperatorView {
  operator: OperatorRecord;
  certificates: CertificateRecord[];
  passedDomains: string[];
}

export interface AuthorityView {
  fingerprint: string;
  subject: string;
  notAfter: Date;
  source: 'CONFIGURATION' | 'AJOUTEE';
  provider: boolean;
  record?: AuthorityRecord;
}

export class OperatorService {
  constructor(private readonly deps: OperatorServiceDeps) {}

  // ---------------------------------------------------------------- profiles and operators

  profiles(): Promise<ProfileRecord[]> {
    return this.deps.repository.profiles();
  }

  async onboard(input: BonDeCommandeSaisi, agent: string): Promise<OperatorRecord> {
    const check = checkBonDeCommande(input);
    if (!check.ok) {
      throw new UseCaseError('invalid', `bon de commande refusé (${check.errors.length} erreur(s)) :\n${check.errors.map((e) => `  - ${e}`).join('\n')}`);
    }
    const form = check.value;
    const at = this.deps.clock.now();
    try {
      return await this.deps.repository.transaction(async (repo) => {
        const created = await repo.createOperator(form, agent, at);
        await repo.audit({
          at,
          actor: agent,
          action: 'OPERATEUR_CREE',
          operatorCode: created.code,
          details: { referenceContrat: form.referenceContrat, numeroAffaire: form.numeroAffaire, siret: form.siret, acces: form.acces },
        });
        return created;
      });
    } catch (error) {
      if (error instanceof OperatorConflict) throw new UseCaseError('refused', `refusé : ${error.message}`);
      throw error;
    }
  }

  operators(): Promise<OperatorRecord[]> {
    return this.deps.repository.operators();
  }

  /** The operator's life cycle state now (issue 14): ACTIF, SUSPENDU or RESILIE. */
  stateOf(operator: OperatorRecord): OperatorState {
    return operatorState(operator.lifecycle, this.deps.clock.now());
  }

  async operator(code: string): Promise<OperatorView> {
    const operator = await this.requireOperator(code);
    const [certificates, passed] = await Promise.all([
      this.deps.repository.certificates({ operatorCode: code }),
      this.deps.conformance.passedDomains(code),
    ]);
    return { operator, certificates, passedDomains: [...passed].sort() };
  }

  /**
   * Promotes the operator to production for `domains`: refused (and audited) unless a passing
   * conformance run on the integration platform covers each of them.
   */
  async promote(code: string, domains: readonly PromotionDomain[], agent: string): Promise<OperatorRecord> {
    const requested = [...new Set(domains)];
    if (requested.length === 0) throw new UseCaseError('invalid', `requête invalide : au moins un domaine (${PROMOTION_DOMAINS.join(', ')})`);
    await this.requireOperator(code);
    const passed = await this.deps.conformance.passedDomains(code);
    const missing = missingConformance(requested, passed);
    const at = this.deps.clock.now();
    if (missing.length > 0) {
      await this.deps.repository.audit({ at, actor: agent, action: 'PROMOTION_REFUSEE', operatorCode: code, details: { domaines: requested, manquants: missing } });
      throw new UseCaseError(
        'refused',
        `refusé : promotion de ${code} en production impossible, aucune recette réussie sur la plateforme d’intégration pour : ${missing.join(', ')}` +
          ` (domaines validés : ${[...passed].sort().join(', ') || 'aucun'})`,
      );
    }
    const promoted = await this.deps.repository.transaction(async (repo) => {
      const updated = await repo.promote(code, requested, agent, at);
      await repo.audit({ at, actor: agent, action: 'PROMOTION_PRODUCTION', operatorCode: code, details: { domaines: requested, domainesValides: [...passed].sort() } });
      return updated;
    });
    this.deps.tls?.identitiesChanged();
    return promoted;
  }

  // ---------------------------------------------------------------- certificates

  /** Issues a certificate from the provider's CA, from the operator's CSR or as a PKCS#12. */
  async issue(request: CertificateRequestBase & { issuance: Issuance; predecessor?: string }): Promise<CertificateOutcome | Pkcs12Outcome> {
    const { issuance } = request;
    const operator = await this.requireOperatorNotTerminated(request.operatorCode);
    await this.requireProfile(request.profileName);
    if (!this.deps.pki.canIssue) {
      throw new UseCaseError('refused', 'refusé : aucune AC du fournisseur n’est configurée (ESAV_PROVIDER_CA_CERT et ESAV_PROVIDER_CA_KEY) : enregistrez un certificat d’une AC reconnue');
    }
    const validity = this.validity(issuance.validityDays);
    const subject = { operatorCode: operator.code, operatorName: operator.raisonSociale };
    let issued: IssuedCertificate;
    let pkcs12: Buffer | undefined;
    let generatedPassword: string | undefined;
    try {
      if (issuance.kind === 'CSR') {
        issued = this.deps.pki.issueFromCsr(issuance.csrPem, subject, validity);
      } else {
        if (issuance.password !== undefined && issuance.password.length < MIN_PKCS12_PASSWORD) {
          throw new UseCaseError('invalid', `requête invalide : mot de passe du PKCS#12 trop court (${MIN_PKCS12_PASSWORD} caractères au moins)`);
        }
        const password = issuance.password ?? (generatedPassword = randomBytes(18).toString('base64url'));
        const delivered = this.deps.pki.issuePkcs12(subject, validity, password);
        issued = delivered;
        pkcs12 = delivered.pkcs12;
      }
    } catch (error) {
      if (error instanceof Error && error.name === 'PkiError') {
        await this.deps.repository.audit({
          at: this.deps.clock.now(),
          actor: request.agent,
          action: 'EMISSION_REFUSEE',
          operatorCode: operator.code,
          details: { motif: error.message, profil: request.profileName },
        });
        throw new UseCaseError('invalid', `refusé : ${error.message}`);
      }
      throw error;
    }
    const outcome = await this.store(request, issued, 'FOURNISSEUR', issuance.kind, []);
    return pkcs12 ? { ...outcome, pkcs12, ...(generatedPassword ? { generatedPassword } : {}) } : outcome;
  }

  /** Registers a certificate from a recognised CA (PEM, optionally with its intermediates), after every check. */
  async register(request: CertificateRequestBase & { pem: string }): Promise<CertificateOutcome> {
    const operator = await this.requireOperatorNotTerminated(request.operatorCode);
    await this.requireProfile(request.profileName);
    let inspected;
    try {
      inspected = this.deps.pki.inspectClientCertificate(request.pem, await this.trustedAuthorityPems(), this.deps.pkiClock.now());
    } catch (error) {
      if (error instanceof Error && error.name === 'PkiError') throw new UseCaseError('invalid', `refusé : ${error.message}`);
      throw error;
    }
    if (inspected.problems.length > 0) {
      await this.deps.repository.audit({
        at: this.deps.clock.now(),
        actor: request.agent,
        action: 'ENREGISTREMENT_REFUSE',
        operatorCode: operator.code,
        certificateFingerprint: inspected.fingerprint,
        details: { problemes: inspected.problems, sujet: inspected.subject, emetteur: inspected.issuer },
      });
      throw new UseCaseError(
        'invalid',
        `refusé : certificat ${inspected.subject} non enregistrable :\n${inspected.problems.map((p) => `  - ${p}`).join('\n')}`,
      );
    }
    const outcome = await this.store(request, inspected, inspected.origin, 'PEM', inspected.warnings);
    const more = (await this.deps.afterRegister?.(inspected.certPem)) ?? [];
    return more.length > 0 ? { ...outcome, warnings: [...outcome.warnings, ...more] } : outcome;
  }

  /** A successor for `fingerprint` (same operator and profile), valid alongside it until it expires. */
  async renew(fingerprint: string, request: { agent: string; issuance: Issuance; askedAt?: Date }): Promise<CertificateOutcome | Pkcs12Outcome> {
    const current = await this.requireCertificate(fingerprint);
    if (current.revokedAt) throw new UseCaseError('refused', `refusé : le certificat ${current.fingerprint} est révoqué`);
    if (current.notAfter.getTime() <= this.deps.pkiClock.now().getTime()) {
      throw new UseCaseError('refused', `refusé : le certificat ${current.fingerprint} a expiré le ${current.notAfter.toISOString()} : émettez un nouveau certificat`);
    }
    if (current.successor) throw new UseCaseError('refused', `refusé : le certificat ${current.fingerprint} a déjà un successeur (${current.successor})`);
    return this.issue({
      operatorCode: current.operatorCode,
      profileName: current.profileName,
      agent: request.agent,
      issuance: request.issuance,
      predecessor: current.fingerprint,
      ...(request.askedAt ? { askedAt: request.askedAt } : {}),
    });
  }

  async certificates(query: { operatorCode?: string; activeOnly?: boolean }): Promise<CertificateRecord[]> {
    return this.deps.repository.certificates({
      ...(query.operatorCode ? { operatorCode: query.operatorCode } : {}),
      ...(query.activeOnly ? { activeAt: this.deps.pkiClock.now() } : {}),
    });
  }

  certificate(fingerprintOrPrefix: string): Promise<CertificateRecord> {
    return this.requireCertificate(fingerprintOrPrefix);
  }

  /**
   * Revokes at once: the handshakes of the certificate are refused from now on, its open
   * connections are closed, and identities cached per connection are looked up again.
   */
  async revoke(fingerprint: string, reason: string, agent: string): Promise<{ certificate: CertificateRecord; connectionsClosed: number }> {
    const certificate = await this.requireCertificate(fingerprint);
    if (certificate.revokedAt) throw new UseCaseError('refused', `refusé : certificat déjà révoqué le ${certificate.revokedAt.toISOString()} par ${certificate.revokedBy ?? '?'}`);
    const at = this.deps.clock.now();
    await this.deps.repository.transaction(async (repo) => {
      if (!(await repo.revoke(certificate.fingerprint, at, agent, reason))) throw new UseCaseError('refused', 'refusé : certificat déjà révoqué');
      await repo.audit({ at, actor: agent, action: 'CERTIFICAT_REVOQUE', operatorCode: certificate.operatorCode, certificateFingerprint: certificate.fingerprint, details: { motif: reason } });
    });
    const connectionsClosed = await this.syncRevocations();
    return { certificate: await this.requireCertificate(certificate.fingerprint), connectionsClosed };
  }

  /** Binds the certificate to another profile (effective on the next request of open connections too). */
  async bindProfile(fingerprint: string, profileName: string, agent: string): Promise<CertificateRecord> {
    const certificate = await this.requireCertificate(fingerprint);
    await this.requireProfile(profileName);
    if (certificate.revokedAt) throw new UseCaseError('refused', `refusé : le certificat ${certificate.fingerprint} est révoqué`);
    const at = this.deps.clock.now();
    await this.deps.repository.transaction(async (repo) => {
      await repo.setProfile(certificate.fingerprint, profileName);
      await repo.audit({
        at,
        actor: agent,
        action: 'PROFIL_MODIFIE',
        operatorCode: certificate.operatorCode,
        certificateFingerprint: certificate.fingerprint,
        details: { ancien: certificate.profileName, nouveau: profileName },
      });
    });
    this.deps.tls?.identitiesChanged();
    return this.requireCertificate(certificate.fingerprint);
  }

  /**
   * Certificates due for renewal today, or within `horizonDays`: provider-issued ones 15 working
   * days before expiry, those of a recognised CA 30 calendar days before. Already renewed,
   * revoked and expired ones are not listed.
   */
  async renewals(horizonDays = 0): Promise<RenewalDue[]> {
    const now = this.deps.pkiClock.now();
    const limitDay = addDays(parisDayOf(now), horizonDays);
    const active = await this.deps.repository.certificates({ activeAt: now, limit: 100_000 });
    return active
      .filter((c) => !c.successor)
      .map((certificate) => {
        const dueDay = renewalDueDay(certificate.notAfter, certificate.origin, this.deps.calendar);
        return { certificate, dueDay, expiryDay: parisDayOf(certificate.notAfter), due: isDueForRenewal(certificate.notAfter, certificate.origin, now, this.deps.calendar) };
      })
      .filter((r) => r.dueDay <= limitDay)
      .sort((a, b) => a.dueDay.localeCompare(b.dueDay) || a.certificate.operatorCode.localeCompare(b.certificate.operatorCode));
  }

  // ---------------------------------------------------------------- recognised CAs

  async authorities(): Promise<AuthorityView[]> {
    const { pki } = this.deps;
    const provider = pki.providerCaPem ? pki.describe(pki.providerCaPem).fingerprint : undefined;
    const views = new Map<string, AuthorityView>();
    for (const pem of this.deps.configuredAuthorities) {
      const { fingerprint, subject, notAfter } = pki.describe(pem);
      views.set(fingerprint, { fingerprint, subject, notAfter, source: 'CONFIGURATION', provider: fingerprint === provider });
    }
    for (const record of await this.deps.repository.authorities()) {
      if (!views.has(record.fingerprint)) {
        views.set(record.fingerprint, { fingerprint: record.fingerprint, subject: record.subject, notAfter: record.notAfter, source: 'AJOUTEE', provider: false, record });
      }
    }
    return [...views.values()];
  }

  /** Recognises a new CA at run time: new handshakes accept its certificates at once (trust reload). */
  async addAuthority(pem: string, agent: string): Promise<AuthorityView> {
    let inspected;
    try {
      inspected = this.deps.pki.inspectAuthority(pem, await this.trustedAuthorityPems(), this.deps.pkiClock.now());
    } catch (error) {
      if (error instanceof Error && error.name === 'PkiError') throw new UseCaseError('invalid', `refusé : ${error.message}`);
      throw error;
    }
    const at = this.deps.clock.now();
    if (inspected.problems.length > 0) {
      await this.deps.repository.audit({ at, actor: agent, action: 'AC_REFUSEE', details: { sujet: inspected.subject, empreinte: inspected.fingerprint, problemes: inspected.problems } });
      throw new UseCaseError('invalid', `refusé : AC ${inspected.subject} non reconnue :\n${inspected.problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    if ((await this.authorities()).some((a) => a.fingerprint === inspected.fingerprint)) {
      throw new UseCaseError('refused', `refusé : l’AC ${inspected.subject} est déjà reconnue`);
    }
    await this.deps.repository.transaction(async (repo) => {
      await repo.addAuthority({ fingerprint: inspected.fingerprint, subject: inspected.subject, certPem: inspected.certPem, notAfter: inspected.notAfter, addedAt: at, addedBy: agent });
      await repo.audit({ at, actor: agent, action: 'AC_AJOUTEE', details: { sujet: inspected.subject, empreinte: inspected.fingerprint } });
    });
    await this.syncAuthorities();
    const view = (await this.authorities()).find((a) => a.fingerprint === inspected.fingerprint);
    return view!;
  }

  /** Stops recognising a CA added at run time; connections whose chain it was are closed. */
  async withdrawAuthority(fingerprint: string, agent: string): Promise<AuthorityView> {
    const normalised = normaliseFingerprint(fingerprint);
    const view = (await this.authorities()).find((a) => a.fingerprint === normalised || (normalised.length >= 8 && a.fingerprint.startsWith(normalised)));
    if (!view) throw new UseCaseError('not-found', `AC ${fingerprint} inconnue`);
    if (view.source === 'CONFIGURATION') throw new UseCaseError('refused', `refusé : l’AC ${view.subject} vient de la configuration (ESAV_TLS_CA, ESAV_EXTERNAL_CA ou AC du fournisseur) : modifiez la configuration`);
    const at = this.deps.clock.now();
    await this.deps.repository.transaction(async (repo) => {
      await repo.withdrawAuthority(view.fingerprint, at, agent);
      await repo.audit({ at, actor: agent, action: 'AC_RETIREE', details: { sujet: view.subject, empreinte: view.fingerprint } });
    });
    await this.syncAuthorities();
    return view;
  }

  auditLog(query: AuditQuery): Promise<RecordedAuditEntry[]> {
    return this.deps.repository.auditLog({
      ...query,
      ...(query.certificateFingerprint ? { certificateFingerprint: normaliseFingerprint(query.certificateFingerprint) } : {}),
    });
  }

  // ---------------------------------------------------------------- the running gateway

  /** The configured CAs and those recognised at run time, without duplicates. */
  async trustedAuthorityPems(): Promise<string[]> {
    const recognised = await this.deps.repository.authorities();
    const seen = new Set<string>();
    return [...this.deps.configuredAuthorities, ...recognised.map((a) => a.certPem)].filter((pem) => {
      const { fingerprint } = this.deps.pki.describe(pem);
      if (seen.has(fingerprint)) return false;
      seen.add(fingerprint);
      return true;
    });
  }

  /** Brings the TLS front in line with the database (at start, then periodically for changes made by other processes). */
  async syncTls(): Promise<void> {
    await this.syncAuthorities();
    await this.syncRevocations();
  }

  private async syncAuthorities(): Promise<void> {
    this.deps.tls?.setAuthorities(await this.trustedAuthorityPems());
  }

  /** Identities cached per connection are looked up again (a profile's operations changed, issue 14). */
  identitiesChanged(): void {
    this.deps.tls?.identitiesChanged();
  }

  /**
   * Applies at once what changed who may connect (a revocation, an operator suspended, reactivated
   * or terminated): handshakes refused, open connections closed, cached identities looked up
   * again. Returns how many connections were closed.
   */
  applyAccessChanges(): Promise<number> {
    return this.syncRevocations();
  }

  private async syncRevocations(): Promise<number> {
    if (!this.deps.tls) return 0;
    // Revoked certificates, and those of operators suspended or terminated (business clock, issue 14).
    const [revoked, blocked] = await Promise.all([
      this.deps.repository.revokedFingerprints(this.deps.pkiClock.now()),
      this.deps.repository.blockedFingerprints(this.deps.clock.now()),
    ]);
    const closed = this.deps.tls.setRevoked(new Set([...revoked, ...blocked]));
    this.deps.tls.identitiesChanged();
    return closed;
  }

  // ---------------------------------------------------------------- helpers

  private async store(
    request: CertificateRequestBase & { predecessor?: string },
    issued: IssuedCertificate,
    origin: CertificateOrigin,
    delivery: CertificateDelivery,
    warnings: string[],
  ): Promise<CertificateOutcome> {
    const at = this.deps.clock.now();
    const all = [...warnings];
    const current = await this.currentCertificate(request.operatorCode);
    const warning = switchWarning(current && { origin: current.origin, notAfter: current.notAfter, fingerprint: current.fingerprint }, origin, request.askedAt ?? this.deps.pkiClock.now());
    if (warning) all.push(warning);
    await this.deps.repository.transaction(async (repo) => {
      const inserted = await repo.addCertificate({
        fingerprint: issued.fingerprint,
        operatorCode: request.operatorCode,
        profileName: request.profileName,
        subject: issued.subject,
        issuer: issued.issuer,
        serialNumber: issued.serialNumber,
        notBefore: issued.notBefore,
        notAfter: issued.notAfter,
        origin,
        delivery,
        keyDescription: issued.keyDescription,
        certPem: issued.certPem,
        registeredAt: at,
        registeredBy: request.agent,
        predecessor: request.predecessor ?? null,
      });
      if (!inserted) {
        const existing = await repo.certificate(issued.fingerprint);
        throw new UseCaseError('refused', `refusé : certificat déjà enregistré (opérateur ${existing?.operatorCode ?? '?'}, profil ${existing?.profileName ?? '?'})`);
      }
      const action = request.predecessor ? 'CERTIFICAT_RENOUVELE' : delivery === 'PEM' ? 'CERTIFICAT_ENREGISTRE' : 'CERTIFICAT_EMIS';
      await repo.audit({
        at,
        actor: request.agent,
        action,
        operatorCode: request.operatorCode,
        certificateFingerprint: issued.fingerprint,
        details: {
          profil: request.profileName,
          origine: origin,
          livraison: delivery,
          sujet: issued.subject,
          emetteur: issued.issuer,
          finValidite: issued.notAfter.toISOString(),
          ...(request.predecessor ? { predecesseur: request.predecessor } : {}),
          ...(all.length > 0 ? { avertissements: all } : {}),
        },
      });
    }).catch((error: unknown) => {
      if (error instanceof OperatorConflict) throw new UseCaseError('refused', `refusé : ${error.message}`);
      throw error;
    });
    return { certificate: await this.requireCertificate(issued.fingerprint), warnings: all };
  }

  /** The operator's certificate in use: active, the one that expires last. */
  private async currentCertificate(operatorCode: string): Promise<CertificateRecord | undefined> {
    const active = await this.deps.repository.certificates({ operatorCode, activeAt: this.deps.pkiClock.now() });
    return active.sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
  }

  private validity(validityDays: number | undefined): { notBefore: Date; notAfter: Date } {
    const days = validityDays ?? this.deps.defaultValidityDays;
    if (!Number.isInteger(days) || days < MIN_VALIDITY_DAYS || days > MAX_VALIDITY_DAYS) {
      throw new UseCaseError('invalid', `requête invalide : validité de ${days} jours hors de ${MIN_VALIDITY_DAYS}..${MAX_VALIDITY_DAYS}`);
    }
    const now = this.deps.pkiClock.now().getTime();
    return { notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + days * DAY_MS) };
  }

  private async requireOperator(code: string): Promise<OperatorRecord> {
    const operator = await this.deps.repository.operator(code);
    if (!operator) throw new UseCaseError('not-found', `opérateur ${code} inconnu`);
    return operator;
  }

  /** The operator, refused when terminated (issue 14): no new certificate for it. */
  private async requireOperatorNotTerminated(code: string): Promise<OperatorRecord> {
    const operator = await this.requireOperator(code);
    if (this.stateOf(operator) === 'RESILIE') {
      throw new UseCaseError('refused', `refusé : l’opérateur ${code} est résilié depuis le ${operator.lifecycle.terminationDate} : aucun nouveau certificat`);
    }
    return operator;
  }

  private async requireProfile(name: string): Promise<void> {
    const all = await this.deps.repository.profiles();
    const found = all.find((p) => p.name === name);
    if (found?.retiredAt) throw new UseCaseError('refused', `refusé : le profil ${name} est retiré depuis le ${found.retiredAt.toISOString()} : il ne peut plus être attribué`);
    const profiles = all.filter((p) => !p.retiredAt);
    if (!found) {
      throw new UseCaseError('invalid', `requête invalide : profil ${name} inconnu (parmi : ${profiles.map((p) => p.name).join(', ')})`);
    }
  }

  private async requireCertificate(fingerprintOrPrefix: string): Promise<CertificateRecord> {
    const normalised = normaliseFingerprint(fingerprintOrPrefix);
    if (FINGERPRINT.test(normalised)) {
      const found = await this.deps.repository.certificate(normalised);
      if (!found) throw new UseCaseError('not-found', `certificat ${normalised} inconnu`);
      return found;
    }
    if (!FINGERPRINT_PREFIX.test(normalised)) {
      throw new UseCaseError('invalid', 'requête invalide : empreinte SHA-256 attendue (64 caractères hexadécimaux, ou au moins les 8 premiers)');
    }
    const matches = await this.deps.repository.fingerprintsStartingWith(normalised, 2);
    if (matches.length === 0) throw new UseCaseError('not-found', `certificat ${normalised}… inconnu`);
    if (matches.length > 1) throw new UseCaseError('refused', `refusé : empreinte ${normalised}… ambiguë, donnez plus de caractères`);
    return (await this.deps.repository.certificate(matches[0]!))!;
  }
}

/** `AB:CD:…` or `abcd…` → `abcd…`. */
export function normaliseFingerprint(value: string): string {
  return value.replace(/[:\s]/g, '').toLowerCase();
}

export function isPromotionDomain(value: string): value is PromotionDomain {
  return (PROMOTION_DOMAINS as readonly string[]).includes(value);
}
