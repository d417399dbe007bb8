// Configuration of the CRLs of recognised CAs (issue 14 point 4, decision 0019): how often the
// cluster-wide job fetches them, what a certificate whose CRL cannot be had gets, and the limits
// of one fetch. Read by loadConfig.
import { CRL_UNAVAILABLE_POLICIES, type CrlUnavailablePolicy } from '../../application/crl.js';
import { ConfigError, integer } from './env.js';

export interface CrlConfig {
  /** ESAV_CRL_REFRESH_SECONDS: period of the cluster-wide fetch of every CRL source (0: never; default 3600). */
  refreshSeconds: number;
  /**
   * ESAV_CRL_UNAVAILABLE_POLICY: `accept` (default, soft-fail: the last valid CRL keeps being
   * applied, certificates not known revoked are accepted) or `refuse` (hard-fail: a certificate
   * none of whose CRL sources has a current CRL is refused).
   */
  unavailablePolicy: CrlUnavailablePolicy;
  /** ESAV_CRL_FETCH_TIMEOUT_MS: one fetch (connection to last byte) at most (default 10 000). */
  fetchTimeoutMs: number;
  /** ESAV_CRL_MAX_BYTES: a larger CRL is refused (default 10 MiB). */
  maxBytes: number;
}

export function crlConfig(env: NodeJS.ProcessEnv): CrlConfig {
  const policy = (env.ESAV_CRL_UNAVAILABLE_POLICY || 'accept').toLowerCase();
  if (!(CRL_UNAVAILABLE_POLICIES as readonly string[]).includes(policy)) {
    throw new ConfigError(`ESAV_CRL_UNAVAILABLE_POLICY=${env.ESAV_CRL_UNAVAILABLE_POLICY} must be one of ${CRL_UNAVAILABLE_POLICIES.join(', ')}`);
  }
  return {
    refreshSeconds: integer(env, 'ESAV_CRL_REFRESH_SECONDS', 3600, 0, 7 * 86_400),
    unavailablePolicy: policy as CrlUnavailablePolicy,
    fetchTimeoutMs: integer(env, 'ESAV_CRL_FETCH_TIMEOUT_MS', 10_000, 100, 120_000),
    maxBytes: integer(env, 'ESAV_CRL_MAX_BYTES', 10 * 1024 * 1024, 1024, 200 * 1024 * 1024),
  };
}
