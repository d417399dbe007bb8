// The kit's side of the wire: the client certificate (PEM pair or PKCS#12), node-soap clients
// built from the WSDLs the gateway serves (keep-alive: `forever: true`), the request headers of
// each contract, and the typed faults read back (erreurESAV, InfoErreurType, infoFtthError).
import fs from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import soap from 'soap';
import { escapeXmlText } from '../domain/xml-text.js';
import type { ServiceName } from '../domain/conformance.js';
import { UsageError, type KitTlsFiles } from './options.js';

// ---------------------------------------------------------------- client certificate

export interface KitTls {
  /** For https.Agent (WSDL download, campaign API). */
  agentOptions: https.AgentOptions;
  /** A node-soap security with its own keep-alive agent (one per SOAP client). */
  security(): soap.ISecurity;
}

function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'fichier introuvable' : (error as Error).message;
    throw new UsageError(`${what} ${file} : ${reason}`);
  }
}

/** Reads the certificate files and checks them locally (wrong PKCS#12 password, key not matching…). */
export function loadTls(files: KitTlsFiles): KitTls {
  const ca = files.ca ? readFile(files.ca, 'CA (--ca)') : undefined;
  let material: { key: Buffer; cert: Buffer } | { pfx: Buffer; passphrase?: string };
  if (files.pfx) {
    material = { pfx: readFile(files.pfx, 'PKCS#12 (--pkcs12)'), ...(files.passphrase !== undefined ? { passphrase: files.passphrase } : {}) };
  } else {
    material = { key: readFile(files.key!, 'clé privée (--key)'), cert: readFile(files.cert!, 'certificat (--cert)') };
  }
  try {
    tls.createSecureContext({ ...material, ...(ca ? { ca } : {}) });
  } catch (error) {
    const message = (error as Error).message;
    const hint = files.pfx ? ' (mot de passe PKCS#12 incorrect ou fichier illisible ?)' : ' (la clé correspond-elle au certificat ?)';
    throw new UsageError(`certificat client inutilisable : ${message}${hint}`);
  }
  const agentOptions: https.AgentOptions = { ...material, ...(ca ? { ca } : {}), keepAlive: true };
  return {
    agentOptions,
    security() {
      if ('pfx' in material) {
        // ClientSSLSecurity copies `defaults` into its agent options: the PKCS#12 goes there.
        return new soap.ClientSSLSecurity(undefined as unknown as Buffer, undefined as unknown as Buffer, ca as Buffer, {
          forever: true,
          pfx: material.pfx,
          ...(material.passphrase !== undefined ? { passphrase: material.passphrase } : {}),
        });
      }
      return new soap.ClientSSLSecurity(material.key, material.cert, ca as Buffer, { forever: true });
    },
  };
}

// ---------------------------------------------------------------- faults

export interface KitFault {
  code: number;
  libelle: string;
  champ?: string;
  faultcode?: string;
  reessayerApres?: number;
}

type Obj = Record<string, any>;

/** The typed fault of a node-soap rejection, whatever the contract; undefined when it is not a SOAP fault. */
export function faultOf(error: unknown): KitFault | undefined {
  const fault = (error as { root?: Obj } | undefined)?.root?.Envelope?.Body?.Fault as Obj | undefined;
  if (!fault) return undefined;
  const faultcode = fault.faultcode === undefined ? undefined : String(fault.faultcode);
  const detail: Obj = fault.detail ?? {};
  const base = faultcode !== undefined ? { faultcode } : {};
  if (detail.erreurESAV) {
    const e = detail.erreurESAV as Obj;
    return {
      ...base,
      code: Number(e.code),
      libelle: String(e.libelle ?? ''),
      ...(e.champ !== undefined ? { champ: String(e.champ) } : {}),
      ...(e.reessayerApres !== undefined ? { reessayerApres: Number(e.reessayerApres) } : {}),
    };
  }
  if (detail.InfoErreurType) return { ...base, code: Number(detail.InfoErreurType.codeErreur), libelle: String(detail.InfoErreurType.messageErreur ?? '') };
  if (detail.infoFtthError) return { ...base, code: Number(detail.infoFtthError.codeRetour), libelle: String(detail.infoFtthError.messageRetour ?? '') };
  return { ...base, code: Number.NaN, libelle: String(fault.faultstring ?? 'faute SOAP sans détail typé') };
}

/** A communication failure in words (refused connection, TLS, HTTP status). */
export function describeError(error: unknown): string {
  const e = error as { code?: string; message?: string; response?: { status?: number }; cause?: { code?: string; message?: string } };
  const status = e.response?.status;
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? e.cause?.message ?? String(error);
  return [code, status ? `HTTP ${status}` : undefined, message].filter(Boolean).join(' — ');
}

// ---------------------------------------------------------------- SOAP clients

/** The services the kit calls, their paths on the gateway, and their node-soap service/port names. */
export const SERVICES: Record<ServiceName, { path: string; label: string }> = {
  signalisation: { path: '/ws/v1/signalisation', label: 'SignalisationService v1' },
  test: { path: '/ws/v1/test', label: 'TestService v1' },
  planChargeSavFtth: { path: '/ws/interop/planChargeSavFtth', label: 'Interop’Fibre planChargeSavFtth' },
  infoTravauxFTTH: { path: '/ws/interop/infoTravauxFTTH', label: 'Interop’Fibre infoTravauxFTTH' },
};

export interface HeaderValues {
  codeOperateur: string;
  sirenOC: string;
  sirenOI: string;
  idCorrelation: string;
}


/** The request header block of each contract (sent verbatim by node-soap). */
export function headerXml(service: ServiceName, v: HeaderValues, now: Date): string {
  switch (service) {
    case 'signalisation':
    case 'test':
      return (
        '<com:enteteRequete xmlns:com="urn:esav:commun:v1">' +
        '<com:versionWS>1</com:versionWS>' +
        `<com:horodatageRequete>${now.toISOString()}</com:horodatageRequete>` +
        `<com:codeOperateur>${escapeXmlText(v.codeOperateur)}</com:codeOperateur>` +
        `<com:idCorrelation>${escapeXmlText(v.idCorrelation)}</com:idCorrelation>` +
        '</com:enteteRequete>'
      );
    case 'planChargeSavFtth':
      return (
        '<tns:EnteteType xmlns:tns="http://interop-fibre.fr">' +
        `<versionWS>1.0</versionWS><horodatageRequete>${now.toISOString()}</horodatageRequete>` +
        `<sirenOC>${escapeXmlText(v.sirenOC)}</sirenOC><sirenOI>${escapeXmlText(v.sirenOI)}</sirenOI>` +
        '</tns:EnteteType>'
      );
    case 'infoTravauxFTTH':
      return (
        '<it:InfoTravauxFTTHHeader xmlns:it="http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0">' +
        `<supplierID>${escapeXmlText(v.sirenOI)}</supplierID><serviceProviderID>${escapeXmlText(v.sirenOC)}</serviceProviderID>` +
        '</it:InfoTravauxFTTHHeader>'
      );
  }
}

/** One SOAP client of a service, with its header built per call (overrides for the negative cases). */
export class ServiceClient {
  /** Header values changed for the next calls (e.g. another codeOperateur); reset by the runner. */
  override: Partial<HeaderValues> = {};

  constructor(
    readonly service: ServiceName,
    readonly client: soap.Client,
    private readonly header: () => HeaderValues,
  ) {
    client.addSoapHeader(() => headerXml(service, { ...this.header(), ...this.override }, new Date()));
  }

  /** The operations the served WSDL describes. */
  operations(): string[] {
    const description = this.client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    return Object.values(description).flatMap((ports) => Object.values(ports).flatMap((ops) => Object.keys(ops)));
  }
}

/** Builds a node-soap client from the WSDL served at `<base><path>?wsdl`. */
export async function createServiceClient(
  baseUrl: string,
  service: ServiceName,
  security: soap.ISecurity,
  wsdlAgent: https.Agent,
  header: () => HeaderValues,
): Promise<ServiceClient> {
  const client = await soap.createClientAsync(`${baseUrl}${SERVICES[service].path}?wsdl`, {
    wsdl_options: { httpsAgent: wsdlAgent },
    disableCache: true,
  });
  client.setSecurity(security);
  return new ServiceClient(service, client, header);
}

/** Closes the keep-alive connections a node-soap security opened (so that the process can end). */
export function closeSecurity(security: soap.ISecurity): void {
  (security as { agent?: https.Agent | null }).agent?.destroy();
}
