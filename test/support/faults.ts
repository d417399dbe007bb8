// Reading the typed fault (detail/erreurESAV) from a node-soap rejection or a raw response body.
import { XmlDocument, XmlElement } from 'libxml2-wasm';

export interface ErreurESAV {
  code: number;
  libelle: string;
  champ?: string;
  faultcode?: string;
}

/** Awaits a node-soap call that must fail with a SOAP fault; returns its erreurESAV. */
export async function soapFault(call: Promise<unknown>): Promise<ErreurESAV> {
  try {
    await call;
  } catch (error) {
    const fault = (error as { root?: { Envelope?: { Body?: { Fault?: Record<string, any> } } } }).root?.Envelope?.Body?.Fault;
    if (!fault) throw error;
    const detail = fault.detail?.erreurESAV;
    return { code: Number(detail?.code), libelle: String(detail?.libelle), champ: detail?.champ, faultcode: fault.faultcode };
  }
  throw new Error('expected a SOAP fault, the call succeeded');
}

function childText(parent: XmlElement, name: string): string | undefined {
  for (let n = parent.firstChild; n; n = n.next) if (n instanceof XmlElement && n.name === name) return n.content;
  return undefined;
}

function findElement(root: XmlElement, name: string): XmlElement | undefined {
  for (let n = root.firstChild; n; n = n.next) {
    if (!(n instanceof XmlElement)) continue;
    if (n.name === name) return n;
    const found = findElement(n, name);
    if (found) return found;
  }
  return undefined;
}

/** Parses a raw fault response body; throws when it is not a SOAP fault with erreurESAV. */
export function parseFault(body: string): ErreurESAV {
  const doc = XmlDocument.fromString(body);
  try {
    const fault = findElement(doc.root, 'Fault');
    const erreur = fault && findElement(fault, 'erreurESAV');
    if (!fault || !erreur) throw new Error(`not a SOAP fault: ${body.slice(0, 300)}`);
    const champ = childText(erreur, 'champ');
    return {
      code: Number(childText(erreur, 'code')),
      libelle: childText(erreur, 'libelle') ?? '',
      ...(champ !== undefined ? { champ } : {}),
      faultcode: childText(fault, 'faultcode') ?? '',
    };
  } finally {
    doc.dispose();
  }
}
