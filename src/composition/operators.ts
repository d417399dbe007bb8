// Composition of operator and certificate administration in one gateway process (issue 6,
// decision 0009): the provider's PKI, the TLS front shared with the operators' port (trust,
// revocations, connections) and the service behind the admin routes. Built by the gateway's root
// (gateway.ts) before the operators' front; the periodic re-read of what other processes changed
// (`service.syncTls`) is a job of the process's scheduler (decision 0014).
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { CertificatesConfig } from './config/certificates.js';
import type { CrlConfig } from './config/crl.js';
import type { CrlService } from '../application/crl.js';
import { buildCrl } from './crl.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import type { CertificateAuthority } from '../adapters/pki/certificates.js';
import { ProviderPki } from '../adapters/pki/provider-pki.js';
import { OperatorService } from '../application/operators.js';
import type { TlsMaterial } from '../adapters/operators-front/app.js';
import { GatewayTls } from '../adapters/operators-front/tls-control.js';
import type { Repositories } from './repositories.js';

export interface OperatorAdministrationDeps {
  config: CertificatesConfig;
  /** The CRLs of recognised CAs (decision 0019). */
  crl: CrlConfig;
  /** Operational (real) time of the CRLs (default: the system clock). */
  crlClock?: Clock;
  repositories: Repositories;
  /** The operators' port TLS material (server certificate, configured client CAs). */
  tls: TlsMaterial;
  /** The development CA, used as the provider's CA when ESAV_PROVIDER_CA_* are not set. */
  developmentCa: CertificateAuthority | undefined;
  clock: Clock;
  calendar: HolidayCalendar;
  logger: Logger;
}

export interface OperatorAdministration {
  service: OperatorService;
  /** Hand to buildGateway (`tlsFront`). */
  tlsFront: GatewayTls;
  /** The CRLs of recognised CAs: refreshed by a cluster job, applied at each trust refresh. */
  crl: CrlService;
}

function providerCa(config: CertificatesConfig, developmentCa: CertificateAuthority | undefined): CertificateAuthority | undefined {
  if (!config.providerCa) return developmentCa;
  const ca = { certPem: fs.readFileSync(config.providerCa.certFile, 'utf8'), keyPem: fs.readFileSync(config.providerCa.keyFile, 'utf8') };
  ProviderPki.checkAuthority(ca);
  return ca;
}

export async function buildOperatorAdministration(deps: OperatorAdministrationDeps): Promise<OperatorAdministration> {
  const { config, repositories, tls, logger } = deps;
  const ca = providerCa(config, deps.developmentCa);
  const configured = [...tls.caPems, ...(ca ? [ca.certPem] : []), ...config.externalCaFiles.map((file) => fs.readFileSync(file, 'utf8'))];
  const tlsFront = new GatewayTls({ ...tls, caPems: configured }, logger);
  const service = new OperatorService({
    repository: repositories.operators,
    pki: new ProviderPki(ca),
    conformance: repositories.conformanceRuns,
    tls: tlsFront,
    configuredAuthorities: configured,
    clock: deps.clock,
    // Certificates are dated and checked against the real time, as OpenSSL does.
    pkiClock: systemClock,
    calendar: deps.calendar,
    defaultValidityDays: config.validityDays,
    // A certificate of a recognised CA: its CRLs fetched at once (decision 0019).
    // (called once the gateway runs: `crl` below is built by then)
    afterRegister: (certPem) => crl.certificateRegistered(certPem),
  });
  const crl = buildCrl({
    config: deps.crl,
    repository: repositories.crl,
    tls: tlsFront,
    authorities: () => service.trustedAuthorityPems(),
    clock: deps.crlClock ?? systemClock,
    logger,
  });
  // Before the operators' port opens: recognised CAs and revocations recorded earlier apply at once.
  await service.syncTls();
  await crl.apply();
  return { service, tlsFront, crl };
}
