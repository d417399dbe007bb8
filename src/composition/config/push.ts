// Push notifications configuration (issue 15, decision 0023): the provider's client certificate
// presented to callback servers, the default trust for them, delivery workers, timeouts, and the
// retry rule (exponential backoff within a window, 24 hours by default).
import path from 'node:path';
import { PROJECT_ROOT } from '../../adapters/paths.js';
import { ConfigError, integer } from './env.js';

export interface PushConfig {
  /** ESAV_PUSH_CLIENT_CERT / ESAV_PUSH_CLIENT_KEY (PEM files); unset: the development PKI's push-client pair. */
  clientCertFile: string | undefined;
  clientKeyFile: string | undefined;
  /** ESAV_PUSH_CA_FILE: CAs for callback servers without a CA of their own (unset: the system's). */
  caFile: string | undefined;
  /** ESAV_PUSH_WORKERS: relay and delivery loops in this process (0: none; events wait for a process that has some). */
  workers: number;
  /** ESAV_PUSH_POLL_MS: how often the relay looks for due tickets and an idle worker for a job. */
  pollingIntervalMs: number;
  /** ESAV_PUSH_TIMEOUT_MS: an attempt without an answer for this long has failed. */
  timeoutMs: number;
  /** ESAV_PUSH_RETRY_BASE_MS: delay after the first failed attempt (doubled each time). */
  retryBaseMs: number;
  /** ESAV_PUSH_RETRY_MAX_MS: longest delay between two attempts. */
  retryMaxMs: number;
  /** ESAV_PUSH_RETRY_WINDOW_MS: attempts go on this long after the first failure, then FAILED. */
  retryWindowMs: number;
}

export function pushConfig(env: NodeJS.ProcessEnv): PushConfig {
  const file = (name: string) => (env[name] ? path.resolve(PROJECT_ROOT, env[name]) : undefined);
  const clientCertFile = file('ESAV_PUSH_CLIENT_CERT');
  const clientKeyFile = file('ESAV_PUSH_CLIENT_KEY');
  if ((clientCertFile === undefined) !== (clientKeyFile === undefined)) {
    throw new ConfigError('ESAV_PUSH_CLIENT_CERT and ESAV_PUSH_CLIENT_KEY go together');
  }
  const config: PushConfig = {
    clientCertFile,
    clientKeyFile,
    caFile: file('ESAV_PUSH_CA_FILE'),
    workers: integer(env, 'ESAV_PUSH_WORKERS', 2, 0, 64),
    pollingIntervalMs: integer(env, 'ESAV_PUSH_POLL_MS', 2000, 100, 600_000),
    timeoutMs: integer(env, 'ESAV_PUSH_TIMEOUT_MS', 10_000, 100, 120_000),
    retryBaseMs: integer(env, 'ESAV_PUSH_RETRY_BASE_MS', 10_000, 1, 24 * 3_600_000),
    retryMaxMs: integer(env, 'ESAV_PUSH_RETRY_MAX_MS', 3_600_000, 1, 24 * 3_600_000),
    retryWindowMs: integer(env, 'ESAV_PUSH_RETRY_WINDOW_MS', 24 * 3_600_000, 1, 7 * 24 * 3_600_000),
  };
  if (config.retryMaxMs < config.retryBaseMs) throw new ConfigError('ESAV_PUSH_RETRY_MAX_MS must be at least ESAV_PUSH_RETRY_BASE_MS');
  return config;
}
