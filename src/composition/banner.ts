// The gateway's start banner: where each listener is, where the live versions, the admin token
// and the demo material are, with paths relative to the project root (what a newcomer types next).
import path from 'node:path';
import { PROJECT_ROOT } from '../adapters/paths.js';
import { redactedSmtpUrl } from '../adapters/mail/smtp-mailer.js';
import type { GatewayConfig } from './config/config.js';
import type { RunningGateway } from './gateway.js';

export function startBanner(config: GatewayConfig, gateway: RunningGateway): string {
  const base = config.publicUrl ?? gateway.url;
  const rel = (p: string) => path.relative(PROJECT_ROOT, p) || p;
  const lines = [
    '',
    `e-SAV gateway ready (${config.platform} platform, database: ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${rel(config.dataDir)}`})`,
    `  WSDL: ${base}/ws/v1/signalisation?wsdl and ${base}/ws/v2/signalisation?wsdl (live versions: ${rel(config.operations.versionsFile)})`,
    `  admin API (support staff): ${gateway.adminUrl}  token: ${config.adminToken ? 'ESAV_ADMIN_TOKEN' : rel(path.join(config.dataDir, 'admin-token'))}`,
    `  back office: npm run admin -- --help`,
    `  web portal (e-SAV en ligne): ${gateway.webUrl}/${gateway.demoAccountsFile ? `  demo accounts: ${rel(gateway.demoAccountsFile)}` : ''}`,
    `  support console: ${gateway.webUrl}/console (staff accounts: npm run admin -- support --help; second factor at first sign-in)`,
    `  push notifications: callback WSDL ${base}/wsdl/callback/esav-notification-v1.wsdl; ${
      gateway.push.delivery
        ? `sent with ${config.push.clientCertFile ? rel(config.push.clientCertFile) : 'the development push-client certificate'} (npm run admin -- notifications --help)`
        : 'NO client certificate (ESAV_PUSH_CLIENT_CERT/KEY): events are recorded, none is sent'
    }`,
    config.smtp
      ? `  notices to operators: kept, shown in the portal and SignalisationService v2, e-mailed through ${redactedSmtpUrl(config.smtp.url)}`
      : '  notices to operators: kept and shown in the portal and SignalisationService v2 only — no e-mail sent (ESAV_SMTP_URL not set)',
  ];
  if (gateway.devPki) {
    const demo = gateway.devPki.operators.OPA1;
    lines.push(
      `  CA certificate:           ${rel(gateway.devPki.paths.caCert)}`,
      ...(demo ? [`  demo client (OPA1):       ${rel(demo.certPath)}  key: ${rel(demo.keyPath)}`] : []),
      `  try: curl --cacert ${rel(gateway.devPki.paths.caCert)} --cert ${rel(demo?.certPath ?? '')} --key ${rel(demo?.keyPath ?? '')} '${base}/ws/v1/signalisation?wsdl'`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

/**
 * The banner's processes line (decision 0024): one process, or the workers of the primary with
 * their pids (what `kill` takes to replace one).
 */
export function withProcesses(banner: string, config: GatewayConfig, workerPids?: readonly number[]): string {
  const line = workerPids
    ? `  processes: ${workerPids.length} workers (ESAV_WORKERS, node:cluster, sharing every port), pids ${workerPids.join(', ')}; primary pid ${process.pid}`
    : `  processes: 1 (pid ${process.pid})${config.workers.note ? `: ${config.workers.note}` : ''}`;
  return `${banner.trimEnd()}\n${line}\n\n`;
}
