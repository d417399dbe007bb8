// Reading environment variables for the configuration, with the same checks and messages
// everywhere (src/composition/config/config.ts and its parts config-certificates.ts, config-operations.ts).

export class ConfigError extends Error {
  constructor(message: string) {
    super(`Configuration: ${message}`);
    this.name = 'ConfigError';
  }
}

/** An integer variable within [min, max]; `fallback` when unset or empty. */
export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name}=${raw} must be an integer in [${min}, ${max}]`);
  return value;
}

/** A boolean variable (1/true/yes/on or 0/false/no/off); `fallback` when unset or empty. */
export function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name}=${env[name]} must be true or false`);
}
