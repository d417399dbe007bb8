// The web portal's assembly (e-SAV en ligne, issue 13): its account use case over the SQL
// repository and the adapter's secret services, the demo accounts of the embedded default,
// the HTTPS listener, and the contract schema the deposit and complement forms are checked with.
// Called by startGateway beside the operators' front and the admin API.
import type { NoticeService } from '../application/notices.js';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import { WebAccountService } from '../application/web-accounts.js';
import { PortalAccountAdminService } from '../application/web-account-admin.js';
import type { SupportAuditLog } from '../application/web-account-admin-ports.js';
import type { Database } from '../adapters/postgres/db.js';
import { SqlWebAccountRepository } from '../adapters/postgres/web-accounts.js';
import { SqlSupportAccountRepository } from '../adapters/postgres/support-accounts.js';
import { SupportAccountService } from '../application/support-accounts.js';
import type { ConsoleApi } from '../adapters/web-portal/console/api.js';
import { OneTimeDownloadService } from '../application/one-time-downloads.js';
import { SqlOneTimeDownloadRepository } from '../adapters/postgres/one-time-downloads.js';
import { Argon2idHasher, OtpAuthTotp } from '../adapters/web-portal/secrets.js';
import { buildWebPortal, type WebPortalApp } from '../adapters/web-portal/app.js';
import type { WebPortalConfig } from './config/web-portal.js';
import type { PortalServiceRules } from '../adapters/web-portal/service-rules.js';
import type { WebPortalOptions } from '../adapters/web-portal/app.js';

import type { SoapEndpoint } from '../adapters/soap/endpoint.js';
import { SignalisationRequestSchema } from '../adapters/contracts/esav-v1/request-schema.js';

type PortalPages = NonNullable<WebPortalOptions['pages']>;

/** The deposit and complement forms are checked with the compiled schema of the SOAP endpoint SignalisationService v1. */
export function signalisationRequestSchema(endpoints: readonly SoapEndpoint[]): SignalisationRequestSchema {
  const v1 = endpoints.find((e) => e.path === '/ws/v1/signalisation');
  if (!v1) throw new Error('web portal: SignalisationService v1 is not among the endpoints (its schema checks the forms)');
  return new SignalisationRequestSchema(v1.schema);
}

/** The demo accounts (embedded default with the demo data); passwords in `<dataDir>/demo-accounts`. */
export const DEMO_WEB_ACCOUNTS = [
  { identifier: 'opa1.agent', operatorCode: 'OPA1', profileName: 'TOUT', displayName: 'Agent OPA1 (tous droits)' },
  { identifier: 'opa1.lecture', operatorCode: 'OPA1', profileName: 'SIGNALISATION_LECTURE', displayName: 'Lecteur OPA1 (lecture seule)' },
  { identifier: 'opb2.agent', operatorCode: 'OPB2', profileName: 'TOUT', displayName: 'Agent OPB2 (tous droits)' },
] as const;

/** The demo support staff account of the console (second factor enrolled at its first sign-in). */
export const DEMO_SUPPORT_ACCOUNTS = [{ identifier: 'support.demo', displayName: 'Agent du support (démo)' }] as const;

export const DEMO_ACCOUNTS_FILE = 'demo-accounts';

export function buildWebAccounts(db: Database, clock: Clock, config: WebPortalConfig): WebAccountService {
  return new WebAccountService(new SqlWebAccountRepository(db), new Argon2idHasher(), new OtpAuthTotp(), clock, config.policy);
}

/** The support staff's administration of the portal accounts (admin API /admin/portail…). */
export function buildPortalAccountAdmin(db: Database, clock: Clock, auditLog: SupportAuditLog): PortalAccountAdminService {
  return new PortalAccountAdminService(new SqlWebAccountRepository(db), new Argon2idHasher(), auditLog, clock);
}

/** The support staff's accounts of the console (admin API /admin/support/comptes…). */
export function buildSupportAccounts(db: Database, clock: Clock, auditLog: SupportAuditLog): SupportAccountService {
  return new SupportAccountService(new SqlSupportAccountRepository(db), new Argon2idHasher(), auditLog, clock);
}

/** `identifier password` lines of the file, if it exists. */
function readAccountsFile(file: string): Map<string, string> {
  const passwords = new Map<string, string>();
  if (!fs.existsSync(file)) return passwords;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [identifier, password] = line.trim().split(/\s+/);
    if (identifier && password) passwords.set(identifier, password);
  }
  return passwords;
}

/**
 * Creates the demo accounts once, with generated passwords written to `<dataDir>/demo-accounts`
 * (mode 0600, one `identifier password` per line), and reuses them on later starts. An account
 * whose password the file does not hold (file deleted, new account) gets a new one.
 */
export async function ensureDemoAccounts(accounts: WebAccountService, dataDir: string, logger: Logger, support?: SupportAccountService): Promise<string> {
  const file = path.join(dataDir, DEMO_ACCOUNTS_FILE);
  const known = readAccountsFile(file);
  const lines: string[] = [];
  let changed = false;
  for (const account of DEMO_WEB_ACCOUNTS) {
    let password = known.get(account.identifier);
    const exists = await accounts.userExists(account.identifier);
    if (password === undefined) {
      password = randomBytes(15).toString('base64url');
      changed = true;
      if (exists) await accounts.setPassword(account.identifier, password);
    }
    if (!exists) await accounts.createUser({ ...account, password });
    lines.push(`${account.identifier} ${password}`);
  }
  for (const account of support ? DEMO_SUPPORT_ACCOUNTS : []) {
    let password = known.get(account.identifier);
    const exists = await support!.exists(account.identifier);
    if (password === undefined) {
      password = randomBytes(15).toString('base64url');
      changed = true;
      if (exists) await support!.resetPassword('demo', account.identifier, password);
    }
    if (!exists) await support!.create('demo', account, password);
    lines.push(`${account.identifier} ${password}`);
  }
  if (changed || !fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
    logger.info({ file }, 'web portal demo accounts written');
  }
  fs.chmodSync(file, 0o600);
  return file;
}

export interface WebPortalRuntime {
  app: WebPortalApp;
  accounts: WebAccountService;
  port: number;
}

export async function startWebPortal(options: {
  accounts: WebAccountService;
  config: WebPortalConfig;
  tls: { certPem: string; keyPem: string };
  logger: Logger;
  platform: string;
  rules: PortalServiceRules;
  pages: PortalPages;
  /** The support console's client of the admin API (absent: no console). */
  consoleApi?: ConsoleApi;
  /** The console's one-time downloads (with consoleApi). */
  consoleDownloads?: OneTimeDownloadService;
  /** The notices to the operators: the portal's notice board (decision 0022). */
  notices?: NoticeService;
}): Promise<WebPortalRuntime> {
  const app = await buildWebPortal({
    accounts: options.accounts,
    tls: options.tls,
    logger: options.logger,
    platform: options.platform,
    rules: options.rules,
    pages: options.pages,
    ...(options.consoleApi && options.consoleDownloads ? { console: { api: options.consoleApi, downloads: options.consoleDownloads } } : {}),
    ...(options.notices ? { notices: options.notices } : {}),
  });
  try {
    await app.listen({ host: options.config.host, port: options.config.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.config.port;
  return { app, accounts: options.accounts, port };
}

/** The support console's one-time downloads over PostgreSQL (migration 0017). */
export function buildConsoleDownloads(db: Database, clock: Clock): OneTimeDownloadService {
  return new OneTimeDownloadService({ repository: new SqlOneTimeDownloadRepository(db), clock });
}
