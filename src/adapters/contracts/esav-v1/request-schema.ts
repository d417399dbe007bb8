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

const writeChamps = (w: XmlWriter, champs: readonly CodeValeur[] | undefined) =>
  w.element('champs', champs && champs.length > 0 ? champs : undefined, (w, list) =>
    w.each('champ', list, (w, c) => w.leaf('code', c.code).leaf('valeur', c.valeur)),
  );
const writeContactSite = (w: XmlWriter, c: ContactSite | undefined) =>
  w.element('contactSite', c, (w, c) => w.leaf('nom', c.nom).leaf('telephone', c.telephone));
const writeAccesSite = (w: XmlWriter, a: AccesSite | undefined) =>
  w.element('accesSite', a, (w, a) => w.leaf('horaires', a.horaires).leaf('informations', a.informations));

/** The deposerSignalisation payload of a deposit, in schema order. */
export function depositPayloadXml(r: DepositRequest): string {
  const w = new XmlWriter()
    .open('deposerSignalisation', SIGNALISATION_V1_NS)
    .leaf('offre', r.offre)
    .leaf('identifiantPrestation', r.identifiantPrestation)
    .element('formulaire', r.formulaire, (w, f) => w.leaf('idFormulaire', f.idFormulaire).leaf('version', Number.isFinite(f.version) ? f.version : 'NaN'))
    .leaf('defautDeclare', r.defautDeclare)
    .leaf('impact', r.impact)
    .leaf('dateDebutDefaut', r.dateDebutDefaut ? formatParisDateTime(r.dateDebutDefaut) : undefined)
    .leaf('localisationPresumee', r.localisationPresumee)
    .leaf('referenceInterneOC', r.referenceInterneOC);
  writeContactSite(w, r.contactSite);
  w.element('contactOC', r.contactOC, (w, c) => w.leaf('nom', c.nom).leaf('telephone', c.telephone).leaf('email', c.email));
  writeAccesSite(w, r.accesSite);
  w.leaf('commentaire', r.commentaire);
  writeChamps(w, r.champs);
  return w.leaf('idDemandeTest', r.idDemandeTest).close('deposerSignalisation').toString();
}

/** The completerSignalisation payload of a complement, in schema order. */
export function completionPayloadXml(r: CompletionRequest): string {
  const w = new XmlWriter().open('completerSignalisation', SIGNALISATION_V1_NS);
  if ('referenceSignalisation' in r.key) w.leaf('referenceSignalisation', r.key.referenceSignalisation);
  else w.leaf('referenceInterneOC', r.key.referenceInterneOC);
  w.leaf('commentaire', r.commentaire);
  writeChamps(w, r.champs);
  writeContactSite(w, r.contactSite);
  writeAccesSite(w, r.accesSite);
  return w.close('completerSignalisation').toString();
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
