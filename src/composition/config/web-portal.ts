// The web portal's configuration (e-SAV en ligne, issue 13; docs/operations.md): its own HTTPS
// listener and the rules of its accounts (session expiry, lockout, throttle).
import type { WebAccountPolicy } from '../../application/web-accounts.js';
import { integer } from './env.js';

export interface WebPortalConfig {
  /** ESAV_WEB_HOST (default: ESAV_HOST) and ESAV_WEB_PORT (default 8445). */
  host: string;
  port: number;
  policy: WebAccountPolicy;
}

export function webPortalConfig(env: NodeJS.ProcessEnv, defaultHost: string): WebPortalConfig {
  const minutes = (name: string, fallback: number, max: number) => integer(env, name, fallback, 1, max) * 60_000;
  return {
    host: env.ESAV_WEB_HOST || defaultHost,
    port: integer(env, 'ESAV_WEB_PORT', 8445, 0, 65535),
    policy: {
      sessionIdleMs: minutes('ESAV_WEB_SESSION_IDLE_MINUTES', 30, 24 * 60),
      sessionMaxMs: minutes('ESAV_WEB_SESSION_MAX_MINUTES', 12 * 60, 7 * 24 * 60),
      lockoutThreshold: integer(env, 'ESAV_WEB_LOCKOUT_THRESHOLD', 5, 1, 100),
      lockoutMs: minutes('ESAV_WEB_LOCKOUT_MINUTES', 15, 24 * 60),
      throttleFailures: integer(env, 'ESAV_WEB_THROTTLE_FAILURES', 30, 1, 10_000),
      throttleWindowMs: minutes('ESAV_WEB_THROTTLE_MINUTES', 15, 24 * 60),
    },
  };
}
