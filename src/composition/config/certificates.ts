// Configuration of operators' certificates (issue 6, decision 0009): the provider's CA that
// issues them, the recognised external CAs, the default validity and how often each gateway
// process re-reads revocations and recognised CAs written by others. Read by loadConfig.
import { ConfigError, integer } from './env.js';

export interface CertificatesConfig {
  /**
   * ESAV_PROVIDER_CA_CERT + ESAV_PROVIDER_CA_KEY (PEM files): the provider's CA issuing operators'
   * certificates. Absent: the development CA when the development PKI is used; otherwise
   * certificates can only be registered from recognised CAs.
   */
  providerCa: { certFile: string; keyFile: string } | undefined;
  /** ESAV_EXTERNAL_CA: comma-separated PEM files of recognised external CAs (roots, or intermediates with their root). */
  externalCaFiles: string[];
  /** ESAV_CERT_VALIDITY_DAYS: validity of issued certificates unless support staff give one (1–1095, default 365). */
  validityDays: number;
  /** ESAV_TRUST_REFRESH_SECONDS: how often revocations and recognised CAs are re-read from the database (0: never; default 30). */
  trustRefreshSeconds: number;
}


export function certificatesConfig(env: NodeJS.ProcessEnv): CertificatesConfig {
  const certFile = env.ESAV_PROVIDER_CA_CERT || undefined;
  const keyFile = env.ESAV_PROVIDER_CA_KEY || undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('ESAV_PROVIDER_CA_CERT and ESAV_PROVIDER_CA_KEY go together (or none of them)');
  }
  return {
    providerCa: certFile && keyFile ? { certFile, keyFile } : undefined,
    externalCaFiles: (env.ESAV_EXTERNAL_CA ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    validityDays: integer(env, 'ESAV_CERT_VALIDITY_DAYS', 365, 1, 1095),
    trustRefreshSeconds: integer(env, 'ESAV_TRUST_REFRESH_SECONDS', 30, 0, 3600),
  };
}
