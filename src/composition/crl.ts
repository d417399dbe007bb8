// Composition of the CRLs of recognised CAs in one gateway process (issue 14 point 4, decision
// 0019): the use case over the CRL sources repository, the PKI.js adapter (fetch, verification)
// and the TLS front's refusals. Built by the operator administration (operators.ts), since the
// recognised CAs and the TLS front are theirs; its jobs (the cluster-wide refresh, the apply at
// each trust refresh) are registered by the gateway's root (gateway.ts).
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { CrlConfig } from './config/crl.js';
import { CrlService } from '../application/crl.js';
import type { CertificateRefusals, CrlRepository } from '../application/crl-ports.js';
import { crlPki } from '../adapters/pki/crl.js';

export interface CrlDeps {
  config: CrlConfig;
  repository: CrlRepository;
  tls: CertificateRefusals | undefined;
  authorities: () => Promise<string[]>;
  /** Operational (real) time. */
  clock: Clock;
  logger: Logger;
}

export function buildCrl(deps: CrlDeps): CrlService {
  const { config } = deps;
  return new CrlService({
    repository: deps.repository,
    pki: crlPki({ timeoutMs: config.fetchTimeoutMs, maxBytes: config.maxBytes }),
    authorities: deps.authorities,
    ...(deps.tls ? { tls: deps.tls } : {}),
    clock: deps.clock,
    policy: config.unavailablePolicy,
    refreshMs: config.refreshSeconds * 1000,
    logger: deps.logger.child({ component: 'crl' }),
  });
}
