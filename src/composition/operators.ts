// Composition of operator and certificate administration in one gateway process (issue 6,
// decision 0009): the provider's PKI, the TLS front shared with the operators' port (trust,
// revocations, connections), the service behind the admin routes, and the periodic re-read of
// what other processes changed. Built by bootstrap.ts before the operators' front.
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { CertificatesConfig } from './config/certificates.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import type { CertificateAuthority } from '../adapters/pki/certificates.js';
import { ProviderPki } from '../adapters/pki/provider-pki.js';
import { OperatorService } from '../application/operators.js';
import { SqlConformanceRunRepository } from '../adapters/postgres/conformance-runs.js';
import type { Database } from '../adapters/postgres/db.js';
import { SqlOperatorRepository } from '../adapters/postgres/operators.js';
import type { TlsMaterial } from '../adapters/operators-front/app.js';
import { GatewayTls } from '../adapters/operators-front/tls-control.js';

export interface OperatorAdministrationDeps {
  config: CertificatesConfig;
  db: Database;
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
  stop(): Promise<void>;
}

function providerCa(config: CertificatesConfig, developmentCa: CertificateAuthority | undefined): CertificateAuthority | undefined {
  if (!config.providerCa) return developmentCa;
  const ca = { certPem: fs.readFileSync(config.providerCa.certFile, 'utf8'), keyPem: fs.readFileSync(config.providerCa.keyFile, 'utf8') };
  ProviderPki.checkAuthority(ca);
  return ca;
}

export async function startOperatorAdministration(deps: OperatorAdministrationDeps): Promise<OperatorAdministration> {
  const { config, db, tls, logger } = deps;
  const log = logger.child({ component: 'certificates' });
  const ca = providerCa(config, deps.developmentCa);
  const configured = [...tls.caPems, ...(ca ? [ca.certPem] : []), ...config.externalCaFiles.map((file) => fs.readFileSync(file, 'utf8'))];
  const tlsFront = new GatewayTls({ ...tls, caPems: configured }, logger);
  const service = new OperatorService({
    repository: new SqlOperatorRepository(db),
    pki: new ProviderPki(ca),
    conformance: new SqlConformanceRunRepository(db),
    tls: tlsFront,
    configuredAuthorities: configured,
    clock: deps.clock,
    // Certificates are dated and checked against the real time, as OpenSSL does.
    pkiClock: systemClock,
    calendar: deps.calendar,
    defaultValidityDays: config.validityDays,
  });
  // Before the operators' port opens: recognised CAs and revocations recorded earlier apply at once.
  await service.syncTls();

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const plan = () => {
    if (stopped || config.trustRefreshSeconds === 0) return;
    timer = setTimeout(() => {
      running = service
        .syncTls()
        .catch((error: unknown) => log.error({ err: error }, 'certificate trust refresh failed'))
        .finally(() => {
          running = undefined;
          plan();
        });
    }, config.trustRefreshSeconds * 1000);
    timer.unref();
  };
  plan();
  return {
    service,
    tlsFront,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
