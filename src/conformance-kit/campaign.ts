// The kit's client of the gateway's campaign API (src/adapters/operators-front/conformance-routes.ts), on the
// operators' mutual-TLS port with the same client certificate as the SOAP calls: open a campaign
// before the first call, submit the results and reports at the end. The gateway records the run
// only for the domains whose calls it served itself (docs/conformance.md).
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ConformanceDomain } from '../domain/conformance.js';

export interface OpenedCampaign {
  idCampagne: number;
  ouverture: string;
  domaines: ConformanceDomain[];
}

export interface DomainVerdict {
  domaine: ConformanceDomain;
  valide: boolean;
  raison?: string;
  manquants?: string[];
}

export interface CampaignOutcome {
  idCampagne: number;
  idExecution: number;
  reussie: boolean;
  domaines: ConformanceDomain[];
  domainesValides: ConformanceDomain[];
  verdicts: DomainVerdict[];
}

export interface Submission {
  domainesReussis: ConformanceDomain[];
  resultats: Array<{ scenario: string; domaine: ConformanceDomain; statut: string; message?: string }>;
  rapportJunit: string;
  rapportHtml: string;
}

/** The client certificate as the TLS handshake presented it (what the gateway saw). */
export interface PresentedCertificate {
  subject: string;
  fingerprint256: string;
  validTo: string;
}

/** The gateway answered the campaign API with an error (status, its message). */
export class CampaignRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CampaignRefused';
  }
}

export class CampaignClient {
  certificate: PresentedCertificate | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly agent: https.Agent,
    private readonly timeoutMs: number,
  ) {}

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${this.baseUrl}${path}`,
        {
          method,
          agent: this.agent,
          headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const local = (res.socket as TLSSocket).getCertificate?.();
          if (local && typeof local === 'object' && 'fingerprint256' in local) {
            const subject = Object.entries(local.subject ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', ');
            this.certificate = { subject, fingerprint256: String(local.fingerprint256).replace(/:/g, '').toLowerCase(), validTo: String(local.valid_to) };
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: any;
            try {
              json = text === '' ? undefined : JSON.parse(text);
            } catch {
              json = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(json as T);
            const message = typeof json?.erreur === 'string' ? json.erreur : `HTTP ${status}${status === 404 ? ' (la passerelle ne propose pas l’API des campagnes de conformité)' : ''}`;
            reject(new CampaignRefused(status, message));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`pas de réponse en ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  open(operatorCode: string, domains: ConformanceDomain[]): Promise<OpenedCampaign> {
    return this.request('POST', '/conformite/v1/campagnes', { codeOperateur: operatorCode, domaines: domains });
  }

  submit(id: number, submission: Submission): Promise<CampaignOutcome> {
    return this.request('POST', `/conformite/v1/campagnes/${id}/resultat`, submission);
  }
}
