// Configuration of the running rules (issue 8, decision 0010): maintenance, rate limits,
// volumetry, metrics and the version registry file. Read by loadConfig (src/composition/config/config.ts).
import path from 'node:path';
import { ConfigError, integer } from './env.js';
import { DEFAULT_NIGHTLY_MAINTENANCE, type NightlyMaintenance } from '../../domain/maintenance.js';
import { PROJECT_ROOT } from '../../adapters/paths.js';

export interface OperationsConfig {
  /** ESAV_NIGHTLY_MAINTENANCE (HH:MM Europe/Paris, or `off`) + ESAV_NIGHTLY_MAINTENANCE_MINUTES; default 04:00 for 15 minutes. */
  nightlyMaintenance: NightlyMaintenance | undefined;
  /** ESAV_OPERATIONS_REFRESH_SECONDS: how often each process reloads the announced windows and the rate limits (0: never). */
  refreshSeconds: number;
  /** ESAV_VOLUMETRY_FLUSH_SECONDS: how often the in-memory volumetry counts are written (and always on shutdown). */
  volumetryFlushSeconds: number;
  /** ESAV_CERT_EXPIRY_WARNING_DAYS: a certificate expiring within this many days counts in the "expiring soon" metric. */
  certificateExpiryWarningDays: number;
  /** ESAV_VERSIONS_FILE: the version registry (YAML); default config/versions.yaml. */
  versionsFile: string;
}


function nightly(env: NodeJS.ProcessEnv): NightlyMaintenance | undefined {
  const raw = (env.ESAV_NIGHTLY_MAINTENANCE ?? '').trim();
  const durationMinutes = integer(env, 'ESAV_NIGHTLY_MAINTENANCE_MINUTES', DEFAULT_NIGHTLY_MAINTENANCE.durationMinutes, 1, 240);
  if (raw === '') return { ...DEFAULT_NIGHTLY_MAINTENANCE, durationMinutes };
  if (['off', 'none', 'false', '0'].includes(raw.toLowerCase())) return undefined;
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (!m) throw new ConfigError(`ESAV_NIGHTLY_MAINTENANCE=${raw} must be HH:MM (Europe/Paris) or off`);
  return { hour: Number(m[1]), minute: Number(m[2]), durationMinutes };
}

export function operationsConfig(env: NodeJS.ProcessEnv): OperationsConfig {
  return {
    nightlyMaintenance: nightly(env),
    refreshSeconds: integer(env, 'ESAV_OPERATIONS_REFRESH_SECONDS', 10, 0, 3600),
    volumetryFlushSeconds: integer(env, 'ESAV_VOLUMETRY_FLUSH_SECONDS', 5, 1, 3600),
    certificateExpiryWarningDays: integer(env, 'ESAV_CERT_EXPIRY_WARNING_DAYS', 30, 1, 365),
    versionsFile: path.resolve(PROJECT_ROOT, env.ESAV_VERSIONS_FILE || path.join('config', 'versions.yaml')),
  };
}
