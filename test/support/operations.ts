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
