// Helpers of the running-rules tests (issue 8): raw SOAP calls over mTLS and what their answers say.
import { envelope, enteteRequete } from '../unit/_support/soap-messages.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { GatewayConfig } from '../../src/composition/config/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { startGateway, type RunningGateway } from '../../src/composition/gateway.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { rawPost, type ClientTls, type TestGateway } from './gateway.js';

/** Where SOAP requests go: a test gateway, or a second gateway on the same database. */
export interface SoapTarget {
  url: string;
  tlsFor(operatorCode: string): ClientTls;
}

/**
 * A second gateway process (in this test process) on the first one's database and development
 * PKI: its own HTTPS and admin ports, its own memory; they share only PostgreSQL.
 */
export async function startSecondGateway(first: TestGateway, clock: Clock): Promise<SoapTarget & { gateway: RunningGateway; adminUrl: string; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-test-data2-'));
  const config: GatewayConfig = { ...first.config, port: 0, adminPort: 0, dataDir, adminToken: first.adminToken };
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const gateway = await startGateway(config, { clock, logger: createLogger('warn', sink) });
  return {
    gateway,
    url: gateway.url.replace('localhost', '127.0.0.1'),
    adminUrl: gateway.adminUrl.replace('localhost', '127.0.0.1'),
    tlsFor: (code) => first.tlsFor(code),
    async close() {
      await gateway.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SoapAnswer {
  status: number;
  body: string;
  /** erreurESAV/code when the answer is a fault. */
  code: number | undefined;
  libelle: string | undefined;
  reessayerApres: number | undefined;
}

export function readAnswer(status: number, body: string): SoapAnswer {
  const tag = (name: string) => new RegExp(`<(?:\\w+:)?${name}>([^<]*)</(?:\\w+:)?${name}>`).exec(body)?.[1];
  const fault = body.includes('erreurESAV');
  const retry = fault ? tag('reessayerApres') : undefined;
  return {
    status,
    body,
    code: fault ? Number(tag('code')) : undefined,
    libelle: fault ? tag('libelle') : undefined,
    reessayerApres: retry !== undefined ? Number(retry) : undefined,
  };
}

/** One SOAP request with the operator's certificate; `payload` is the Body's element. */
export async function soapCall(
  t: SoapTarget,
  operatorCode: string,
  servicePath: string,
  payload: string,
  options: { versionWS?: string; soapAction?: string } = {},
): Promise<SoapAnswer> {
  const body = envelope(payload, enteteRequete({ codeOperateur: operatorCode, versionWS: options.versionWS ?? '1' }));
  const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' };
  if (options.soapAction) headers.soapaction = options.soapAction;
  const answer = await rawPost(`${t.url}${servicePath}`, t.tlsFor(operatorCode), body, headers);
  return readAnswer(answer.status, answer.body);
}

/** consulterEtatSignalisation of an unknown reference: 310 when the service is open. */
export const CONSULT_UNKNOWN = (ns = 'urn:esav:signalisation:v1') =>
  `<sig:consulterEtatSignalisation xmlns:sig="${ns}"><sig:referenceSignalisation>SIG-9999999999</sig:referenceSignalisation></sig:consulterEtatSignalisation>`;

/**
 * A whole SOAP 1.1 deposerSignalisation envelope of OPA1 on the demo prestation FI-1000-0001 (for
 * tests posting raw bytes to gateway processes): `referenceInterneOC` tells the tickets apart.
 */
export const DEPOSIT_ENVELOPE = (referenceInterneOC: string) =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><com:enteteRequete xmlns:com="urn:esav:commun:v1">` +
  `<com:versionWS>1</com:versionWS><com:horodatageRequete>2026-11-27T10:00:00+01:00</com:horodatageRequete>` +
  `<com:codeOperateur>OPA1</com:codeOperateur></com:enteteRequete></soapenv:Header><soapenv:Body>` +
  `<s:deposerSignalisation xmlns:s="urn:esav:signalisation:v1"><s:offre>FTTH_PASSIF</s:offre>` +
  `<s:identifiantPrestation>FI-1000-0001</s:identifiantPrestation><s:formulaire><s:idFormulaire>FTTH_PASSIF</s:idFormulaire>` +
  `<s:version>1</s:version></s:formulaire><s:defautDeclare>INTERRUPTION_TOTALE</s:defautDeclare><s:impact>TOTAL</s:impact>` +
  `<s:referenceInterneOC>${referenceInterneOC}</s:referenceInterneOC><s:contactSite><s:nom>Site</s:nom>` +
  `<s:telephone>0612345678</s:telephone></s:contactSite><s:contactOC><s:nom>NOC</s:nom><s:telephone>0100000000</s:telephone>` +
  `</s:contactOC></s:deposerSignalisation></soapenv:Body></soapenv:Envelope>`;
