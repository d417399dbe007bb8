// An HTTP client of the web portal for the integration tests: undici over HTTPS (the portal's CA),
// a cookie jar like a browser's (only cookies the server set), the CSRF token read from the last
// page, and the demo accounts file parsed.
import fs from 'node:fs';
import { Agent, request } from 'undici';
import { OtpAuthTotp } from '../../src/adapters/web-portal/secrets.js';
import type { TestGateway } from './gateway.js';

export interface PortalResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  location: string | undefined;
  setCookies: string[];
}

export class PortalClient {
  readonly cookies = new Map<string, string>();
  private readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    ca: string,
  ) {
    this.agent = new Agent({ connect: { ca, servername: 'localhost' } });
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<PortalResponse> {
    return this.send('GET', path, undefined, headers);
  }

  /** POSTs a form (urlencoded); `_csrf` is not added: tests say what they send. */
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<PortalResponse> {
    return this.send('POST', path, new URLSearchParams(form).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers });
  }

  /** The sign-in page's token, then the password step; returns the POST's answer. */
  async signIn(identifier: string, password: string): Promise<PortalResponse> {
    const page = await this.get('/connexion');
    return this.post('/connexion', { _csrf: csrfOf(page.body), identifiant: identifier, motDePasse: password });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<PortalResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await request(`${this.baseUrl}${path}`, {
      method,
      dispatcher: this.agent,
      headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.body.text();
    const raw = response.headers['set-cookie'];
    const setCookies = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      // A cleared cookie (empty value or an expiry in the past) leaves the jar.
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(line) || /Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = response.headers.location;
    return {
      status: response.statusCode,
      headers: response.headers,
      body: text,
      location: typeof location === 'string' ? location : undefined,
      setCookies,
    };
  }
}

/** The CSRF token of the first form of a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]*)"/.exec(html);
  if (!match) throw new Error(`no CSRF token in the page: ${html.slice(0, 300)}`);
  return match[1]!;
}

/** `identifier password` lines of data/demo-accounts. */
export function readDemoAccounts(file: string): Map<string, string> {
  const accounts = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [identifier, password] = line.split(' ');
    if (identifier && password) accounts.set(identifier, password);
  }
  return accounts;
}

/**
 * A portal client signed in to the console as the demo support account: password, then the second
 * factor enrolled at this first sign-in (the code computed at the gateway's clock from the secret
 * the TOTP page shows).
 */
export async function signInConsole(t: TestGateway): Promise<PortalClient> {
  const demo = readDemoAccounts(t.gateway.demoAccountsFile!);
  const c = new PortalClient(t.webUrl, t.webCa);
  await c.signIn('support.demo', demo.get('support.demo')!);
  const step = await c.get('/connexion/totp');
  const secret = /<code id="cle-totp" class="fs-5">([A-Z2-7]+)<\/code>/.exec(step.body)![1]!;
  await c.post('/connexion/totp', { _csrf: csrfOf(step.body), code: OtpAuthTotp.codeAt(secret, t.clock.now()) });
  return c;
}
