// The contract's schema checks of a request that does not come as XML (the web portal's deposit and
// complement forms, issue 13): the request is written as the deposerSignalisation /
// completerSignalisation payload the SOAP client would send and validated with the compiled
// schema the SOAP endpoint uses (xsd/v1/signalisation-v1.xsd), so that a form value the web
// services would refuse with fault 101 is refused the same way, naming the same field.
import { ParseOption, XmlDocument } from 'libxml2-wasm';
import type { CompletionRequest, DepositRequest } from '../../../application/signalisation.js';
import type { AccesSite, CodeValeur, ContactSite } from '../../../application/signalisation-ports.js';
import { EsavFault } from '../../../domain/faults.js';
import { formatParisDateTime } from '../../../domain/paris-calendar.js';
import { firstInvalidXmlChar } from '../../../domain/xml-text.js';
import type { CompiledSchema } from '../../soap/schema-registry.js';
import { XmlWriter } from '../../soap/writer.js';
import { SIGNALISATION_V1_NS } from './signalisation.js';

// Elements carry a prefix, as in a SOAP message: libxml2 then names the invalid field in its path
// (sig:deposerSignalisation/sig:contactSite/sig:telephone), where a default namespace gives `*`.
const PREFIX = 'sig';
const q = (name: string) => `${PREFIX}:${name}`;

const writeChamps = (w: XmlWriter, champs: readonly CodeValeur[] | undefined) =>
  w.element(q('champs'), champs && champs.length > 0 ? champs : undefined, (w, list) =>
    w.each(q('champ'), list, (w, c) => w.leaf(q('code'), c.code).leaf(q('valeur'), c.valeur)),
  );
const writeContactSite = (w: XmlWriter, c: ContactSite | undefined) =>
  w.element(q('contactSite'), c, (w, c) => w.leaf(q('nom'), c.nom).leaf(q('telephone'), c.telephone));
const writeAccesSite = (w: XmlWriter, a: AccesSite | undefined) =>
  w.element(q('accesSite'), a, (w, a) => w.leaf(q('horaires'), a.horaires).leaf(q('informations'), a.informations));

/** The deposerSignalisation payload of a deposit, in schema order. */
export function depositPayloadXml(r: DepositRequest): string {
  const w = new XmlWriter()
    .openPrefixed(PREFIX, 'deposerSignalisation', SIGNALISATION_V1_NS)
    .leaf(q('offre'), r.offre)
    .leaf(q('identifiantPrestation'), r.identifiantPrestation)
    .element(q('formulaire'), r.formulaire, (w, f) => w.leaf(q('idFormulaire'), f.idFormulaire).leaf(q('version'), Number.isFinite(f.version) ? f.version : 'NaN'))
    .leaf(q('defautDeclare'), r.defautDeclare)
    .leaf(q('impact'), r.impact)
    .leaf(q('dateDebutDefaut'), r.dateDebutDefaut ? formatParisDateTime(r.dateDebutDefaut) : undefined)
    .leaf(q('localisationPresumee'), r.localisationPresumee)
    .leaf(q('referenceInterneOC'), r.referenceInterneOC);
  writeContactSite(w, r.contactSite);
  w.element(q('contactOC'), r.contactOC, (w, c) => w.leaf(q('nom'), c.nom).leaf(q('telephone'), c.telephone).leaf(q('email'), c.email));
  writeAccesSite(w, r.accesSite);
  w.leaf(q('commentaire'), r.commentaire);
  writeChamps(w, r.champs);
  return w.leaf(q('idDemandeTest'), r.idDemandeTest).closePrefixed(PREFIX, 'deposerSignalisation').toString();
}

/** The completerSignalisation payload of a complement, in schema order. */
export function completionPayloadXml(r: CompletionRequest): string {
  const w = new XmlWriter().openPrefixed(PREFIX, 'completerSignalisation', SIGNALISATION_V1_NS);
  if ('referenceSignalisation' in r.key) w.leaf(q('referenceSignalisation'), r.key.referenceSignalisation);
  else w.leaf(q('referenceInterneOC'), r.key.referenceInterneOC);
  w.leaf(q('commentaire'), r.commentaire);
  writeChamps(w, r.champs);
  writeContactSite(w, r.contactSite);
  writeAccesSite(w, r.accesSite);
  return w.closePrefixed(PREFIX, 'completerSignalisation').toString();
}

/**
 * A text value the XML of the web services cannot carry (a control character): a SOAP message
 * holding it is refused as malformed; the portal refuses it on its field.
 */
function assertXmlTexts(value: unknown, path: string[]): void {
  if (typeof value === 'string') {
    const found = firstInvalidXmlChar(value);
    if (found) throw new EsavFault(101, `Message non conforme au schéma : caractère interdit dans ${path.join('/')}`, { champ: path.join('/') });
  } else if (Array.isArray(value)) {
    // champs: name the field by its code, as the form errors expect.
    value.forEach((item: unknown, k) => {
      const code = (item as { code?: unknown }).code;
      assertXmlTexts((item as { valeur?: unknown }).valeur, [...path, typeof code === 'string' ? `champ[code=${code}]` : `champ[${k + 1}]`]);
    });
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, child] of Object.entries(value)) assertXmlTexts(child, [...path, key]);
  }
}

/** The checks of signalisation-v1.xsd on requests built from a form. */
export class SignalisationRequestSchema {
  constructor(private readonly schema: CompiledSchema) {}

  /** Throws EsavFault 101 (champ: deposerSignalisation/…) where the web services would. */
  checkDeposit(request: DepositRequest): void {
    assertXmlTexts(request, ['deposerSignalisation']);
    this.validate(depositPayloadXml(request));
  }

  /** Throws EsavFault 101 (champ: completerSignalisation/…) where the web services would. */
  checkCompletion(request: CompletionRequest): void {
    assertXmlTexts({ commentaire: request.commentaire, champs: request.champs, contactSite: request.contactSite, accesSite: request.accesSite }, ['completerSignalisation']);
    this.validate(completionPayloadXml(request));
  }

  private validate(xml: string): void {
    const doc = XmlDocument.fromString(xml, { option: ParseOption.XML_PARSE_NONET });
    try {
      this.schema.validateElement(doc.root);
    } finally {
      doc.dispose();
    }
  }
}
