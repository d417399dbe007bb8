// Certificates from recognised CAs revoked by their CA (issue 14 point 4, decision 0019).
//
// The CRL distribution points of the registered certificates of recognised CAs (origin
// AC_RECONNUE) are the CRL sources. `refresh()` — the cluster-wide periodic job, one process per
// period, and support staff's "refresh now" — fetches each source, verifies the CRL (signed by a
// recognised CA, else an error, never used) and records it in PostgreSQL with the state of the
// fetch. `apply()` — every process at its trust refresh — reads the sources and the certificates
// and hands the TLS front the certificates to refuse: those a verified CRL of theirs lists as
// revoked, and, with the policy `refuse`, those none of whose sources has a current CRL (never
// obtained, or past its nextUpdate). A cached CRL stays in use when a fetch fails (soft-fail).
//
// Times: CRLs are dated in real time like certificates, so `clock` is operational time (the
// system clock in the gateway), never the business clock.
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type {
  CertificateRefusals,
  CrlPki,
  CrlRepository,
  CrlSourceRecord,
  DescribedCertificate,
  ExternalCertificate,
} from './crl-ports.js';

/** accept: soft-fail (certificates not known revoked are accepted); refuse: hard-fail. */
export type CrlUnavailablePolicy = 'accept' | 'refuse';
export const CRL_UNAVAILABLE_POLICIES: readonly CrlUnavailablePolicy[] = ['accept', 'refuse'];

/**
 * A_JOUR: current CRL, last fetch fine · ECHEC: the last fetch failed, the cached CRL is still
 * current · PERIMEE: the cached CRL is past its nextUpdate · INDISPONIBLE: no CRL ever verified.
 */
export type CrlSourceState = 'A_JOUR' | 'ECHEC' | 'PERIMEE' | 'INDISPONIBLE';
export const CRL_SOURCE_STATES: readonly CrlSourceState[] = ['A_JOUR', 'ECHEC', 'PERIMEE', 'INDISPONIBLE'];

/** ACCEPTE · REVOQUE (listed by a CRL) · LCR_INDISPONIBLE_ACCEPTE / LCR_INDISPONIBLE_REFUSE (by the policy). */
export type CrlCertificateState = 'ACCEPTE' | 'REVOQUE' | 'LCR_INDISPONIBLE_ACCEPTE' | 'LCR_INDISPONIBLE_REFUSE';

export interface CrlCertificateView {
  fingerprint: string;
  operatorCode: string;
  serial: string;
  state: CrlCertificateState;
}

export interface CrlSourceView extends CrlSourceRecord {
  state: CrlSourceState;
  /** When the periodic job fetches it next (the next period of the cluster job). */
  nextTryAt: Date | null;
  certificates: CrlCertificateView[];
}

export interface CrlOverview {
  policy: CrlUnavailablePolicy;
  refreshSeconds: number;
  sources: CrlSourceView[];
}

export interface CrlFetchResult {
  url: string;
  ok: boolean;
  error?: string;
  revoked?: number;
}

export interface CrlServiceDeps {
  repository: CrlRepository;
  pki: CrlPki;
  /** The CAs recognised now (configured and added at run time): a CRL must be signed by one of them. */
  authorities: () => Promise<string[]>;
  /** Absent when no operators' front runs in this process. */
  tls?: CertificateRefusals;
  /** Operational (real) time: CRL dates are real dates. */
  clock: Clock;
  policy: CrlUnavailablePolicy;
  /** Period of the cluster refresh job (ms); 0: no periodic refresh. */
  refreshMs: number;
  logger: Logger;
}

const REFUSAL_SET = 'crl';

export class CrlService {
  /** Parsed certificates by fingerprint (a certificate never changes). */
  private readonly described = new Map<string, DescribedCertificate>();
  private refused = new Set<string>();

  constructor(private readonly deps: CrlServiceDeps) {}

  get policy(): CrlUnavailablePolicy {
    return this.deps.policy;
  }

  /**
   * Fetches and verifies every source the active certificates of recognised CAs point to (sources
   * no longer used are forgotten). Failures are recorded and logged, never thrown.
   */
  async refresh(): Promise<CrlFetchResult[]> {
    const certificates = await this.deps.repository.externalCertificates(this.deps.clock.now());
    const urls = [...new Set(certificates.flatMap((c) => this.describe(c)?.urls ?? []))].sort();
    await this.deps.repository.ensureSources(urls);
    const removed = await this.deps.repository.removeSourcesExcept(urls);
    if (removed > 0) this.deps.logger.info({ removed }, 'CRL sources no longer used forgotten');
    return this.fetchAll(urls);
  }

  /** At registration: the certificate's sources fetched now, then applied here. Returns warnings for support staff. */
  async certificateRegistered(certPem: string): Promise<string[]> {
    let described: DescribedCertificate;
    try {
      described = this.deps.pki.describe(certPem);
    } catch {
      return [];
    }
    if (described.urls.length === 0) return [];
    let results: CrlFetchResult[];
    try {
      await this.deps.repository.ensureSources(described.urls);
      results = await this.fetchAll(described.urls);
      await this.apply();
    } catch (error) {
      // The certificate is registered: its CRLs will be fetched by the periodic job.
      this.deps.logger.error({ err: error, urls: described.urls }, 'CRLs of a registered certificate not fetched');
      return [`LCR non téléchargées à l’enregistrement (${described.urls.join(', ')}) : elles le seront au prochain rafraîchissement`];
    }
    return results
      .filter((r) => !r.ok)
      .map((r) => `LCR ${r.url} non obtenue : ${r.error ?? '?'} (politique ${this.deps.policy === 'refuse' ? 'refuse : certificat refusé tant qu’aucune LCR valide n’est obtenue' : 'accept : certificat accepté'})`);
  }

  /** Support staff's "refresh now": fetched, audited, applied in this process at once. */
  async refreshNow(agent: string): Promise<{ results: CrlFetchResult[]; connectionsClosed: number; overview: CrlOverview }> {
    const results = await this.refresh();
    await this.deps.repository.audit({
      at: this.deps.clock.now(),
      actor: agent,
      action: 'LCR_RAFRAICHIES',
      details: { sources: results.map((r) => ({ url: r.url, ok: r.ok, ...(r.error ? { erreur: r.error } : {}), ...(r.revoked !== undefined ? { revoques: r.revoked } : {}) })) },
    });
    const connectionsClosed = await this.apply();
    return { results, connectionsClosed, overview: await this.overview() };
  }

  /**
   * Every process, at its trust refresh: the certificates CRLs revoke (and, with the policy
   * `refuse`, those without a current CRL) are refused by the TLS front, their connections closed.
   */
  async apply(): Promise<number> {
    if (!this.deps.tls) return 0;
    const overview = await this.overview();
    const next = new Set<string>();
    for (const source of overview.sources) {
      for (const c of source.certificates) if (c.state === 'REVOQUE' || c.state === 'LCR_INDISPONIBLE_REFUSE') next.add(c.fingerprint);
    }
    for (const fingerprint of next) {
      if (this.refused.has(fingerprint)) continue;
      const why = overview.sources.flatMap((s) => s.certificates.filter((c) => c.fingerprint === fingerprint).map((c) => ({ url: s.url, state: c.state, operator: c.operatorCode })));
      this.deps.logger.warn({ fingerprint, sources: why }, why.some((w) => w.state === 'REVOQUE') ? 'client certificate revoked by its CA (CRL)' : 'client certificate refused: no current CRL (policy refuse)');
    }
    this.refused = next;
    return this.deps.tls.setRefused(REFUSAL_SET, next);
  }

  /** The sources, their state and the certificates that depend on each. */
  async overview(): Promise<CrlOverview> {
    const now = this.deps.clock.now();
    const [records, certificates] = await Promise.all([this.deps.repository.sources(), this.deps.repository.externalCertificates(now)]);
    const byUrl = new Map(records.map((r) => [r.url, r]));
    const perSource = new Map<string, CrlCertificateView[]>();
    for (const certificate of certificates) {
      const described = this.describe(certificate);
      if (!described || described.urls.length === 0) continue;
      const known = described.urls.map((url) => byUrl.get(url)).filter((r): r is CrlSourceRecord => r !== undefined);
      const covering = known.filter((r) => r.issuerKey === described.issuerKey && r.thisUpdate !== null);
      const revoked = covering.some((r) => r.revokedSerials.includes(described.serial));
      const current = covering.some((r) => !this.isStale(r, now));
      const state: CrlCertificateState = revoked ? 'REVOQUE' : current ? 'ACCEPTE' : this.deps.policy === 'refuse' ? 'LCR_INDISPONIBLE_REFUSE' : 'LCR_INDISPONIBLE_ACCEPTE';
      for (const url of described.urls) {
        let list = perSource.get(url);
        if (!list) perSource.set(url, (list = []));
        list.push({ fingerprint: certificate.fingerprint, operatorCode: certificate.operatorCode, serial: described.serial, state });
      }
    }
    const nextTryAt = this.deps.refreshMs > 0 ? new Date((Math.floor(now.getTime() / this.deps.refreshMs) + 1) * this.deps.refreshMs) : null;
    return {
      policy: this.deps.policy,
      refreshSeconds: this.deps.refreshMs / 1000,
      sources: records.map((record) => ({ ...record, state: this.stateOf(record, now), nextTryAt, certificates: perSource.get(record.url) ?? [] })),
    };
  }

  /** Sources by state (for the metrics). */
  async countByState(): Promise<Record<CrlSourceState, number>> {
    const now = this.deps.clock.now();
    const counts: Record<CrlSourceState, number> = { A_JOUR: 0, ECHEC: 0, PERIMEE: 0, INDISPONIBLE: 0 };
    for (const record of await this.deps.repository.sources()) counts[this.stateOf(record, now)]++;
    return counts;
  }

  // ---------------------------------------------------------------- helpers

  private stateOf(record: CrlSourceRecord, now: Date): CrlSourceState {
    if (record.thisUpdate === null) return 'INDISPONIBLE';
    if (this.isStale(record, now)) return 'PERIMEE';
    if (record.lastFetchOk === false) return 'ECHEC';
    return 'A_JOUR';
  }

  private isStale(record: CrlSourceRecord, now: Date): boolean {
    return record.nextUpdate !== null && record.nextUpdate.getTime() <= now.getTime();
  }

  private describe(certificate: ExternalCertificate): DescribedCertificate | undefined {
    const known = this.described.get(certificate.fingerprint);
    if (known) return known;
    try {
      const described = this.deps.pki.describe(certificate.certPem);
      this.described.set(certificate.fingerprint, described);
      return described;
    } catch (error) {
      this.deps.logger.warn({ err: error, fingerprint: certificate.fingerprint }, 'certificate not read for its CRL distribution points');
      return undefined;
    }
  }

  private async fetchAll(urls: readonly string[]): Promise<CrlFetchResult[]> {
    if (urls.length === 0) return [];
    const authorities = await this.deps.authorities();
    return Promise.all(urls.map((url) => this.fetchOne(url, authorities)));
  }

  private async fetchOne(url: string, authorities: readonly string[]): Promise<CrlFetchResult> {
    try {
      const bytes = await this.deps.pki.fetch(url);
      const crl = await this.deps.pki.verify(bytes, authorities);
      const at = this.deps.clock.now();
      const cached = (await this.deps.repository.sources()).find((s) => s.url === url);
      if (cached?.thisUpdate && cached.issuerKey === crl.issuerKey && crl.thisUpdate.getTime() < cached.thisUpdate.getTime()) {
        throw new StaleCrl(`LCR plus ancienne que celle en cache (émise le ${crl.thisUpdate.toISOString()}, en cache : ${cached.thisUpdate.toISOString()}) : ignorée`);
      }
      await this.deps.repository.recordSuccess(url, crl, at);
      if (crl.nextUpdate && crl.nextUpdate.getTime() <= at.getTime()) {
        this.deps.logger.warn({ url, nextUpdate: crl.nextUpdate }, 'CRL source unavailable: the CRL it serves is past its nextUpdate');
      }
      return { url, ok: true, revoked: crl.revokedSerials.length };
    } catch (error) {
      if (!(error instanceof StaleCrl) && !this.deps.pki.isCrlError(error)) throw error;
      const message = (error as Error).message;
      await this.deps.repository.recordFailure(url, message, this.deps.clock.now());
      this.deps.logger.warn({ url, error: message, policy: this.deps.policy }, 'CRL source unavailable');
      return { url, ok: false, error: message };
    }
  }
}

class StaleCrl extends Error {}
