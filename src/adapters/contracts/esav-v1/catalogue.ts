// e-SAV SignalisationService v1: consulterCatalogue, XML ⇄ use-case mapping. Elements are written
// in the order of sig:OffreCatalogue (xsd/v1/signalisation-v1.xsd); xs:date values are the
// catalogue's YYYY-MM-DD Europe/Paris days, booleans 'true'/'false'.
import type { CodeLibelle, FormVersion, Guarantee } from '../../../domain/catalogue.js';
import type { CatalogueOffer, CatalogueRequest, CatalogueService } from '../../../application/catalogue.js';
import type { SoapOperation } from '../../soap/endpoint.js';
import type { PlainObject } from '../../soap/envelope.js';
import type { XmlWriter } from '../../soap/writer.js';
import { optionalText } from '../plain.js';
import { esavOperationFactory } from '../esav-conventions.js';
import { SIGNALISATION_V1_NS } from './signalisation.js';

const bool = (value: boolean): string => (value ? 'true' : 'false');

function readRequest(p: PlainObject): CatalogueRequest {
  const offre = optionalText(p, 'offre');
  return offre !== undefined ? { offre } : {};
}

function writeEntries(w: XmlWriter, name: string, entries: readonly CodeLibelle[]): void {
  w.open(name)
    .each('entree', entries, (w, e) => w.leaf('code', e.code).leaf('libelle', e.libelle))
    .close(name);
}

function writeForm(w: XmlWriter, f: FormVersion): void {
  w.leaf('idFormulaire', f.idFormulaire)
    .leaf('version', f.version)
    .leaf('dateProduction', f.dateProduction)
    .leaf('finCoexistence', f.finCoexistence)
    .open('champs')
    .each('champ', f.champs, (w, c) => w.leaf('code', c.code).leaf('libelle', c.libelle).leaf('obligatoire', bool(c.obligatoire)))
    .close('champs');
}

function writeGuarantee(w: XmlWriter, g: Guarantee): void {
  w.leaf('code', g.code).leaf('libelle', g.libelle).leaf('delaiHeures', g.delaiHeures).leaf('heuresOuvrees', bool(g.heuresOuvrees));
}

function writeOffer(w: XmlWriter, { offer, formulaires, garanties }: CatalogueOffer): void {
  const tests = offer.tests;
  w.leaf('code', offer.code)
    .leaf('libelle', offer.libelle)
    .leaf('technologie', offer.technologie)
    .leaf('dateCommercialisation', offer.dateCommercialisation)
    .leaf('dateMiseEnPlace', offer.dateMiseEnPlace)
    .open('canauxSignalisation');
  for (const canal of offer.canauxSignalisation) w.leaf('canal', canal);
  w.close('canauxSignalisation')
    .open('formulaires')
    .each('formulaire', formulaires, writeForm)
    .close('formulaires')
    .open('nomenclatures');
  writeEntries(w, 'defautDeclare', offer.nomenclatures.defautDeclare);
  writeEntries(w, 'localisationPresumee', offer.nomenclatures.localisationPresumee);
  w.close('nomenclatures')
    .open('garanties')
    .each('garantie', garanties, writeGuarantee)
    .close('garanties')
    .open('tests')
    .leaf('testsDisponibles', bool(tests.disponibles.length > 0))
    .leaf('testPrealableRequis', bool(tests.testPrealableRequis))
    // The validity of a prior test only means something when one is required.
    .leaf('validiteTestPrealableHeures', tests.testPrealableRequis ? tests.validiteTestPrealableHeures : undefined);
  for (const typeTest of tests.disponibles) w.leaf('typeTest', typeTest);
  w.close('tests');
}

/** consulterCatalogue in the namespace of a SignalisationService version (same message in v1 and v2). */
export function catalogueOperations(service: CatalogueService, ns: string): SoapOperation<any, any>[] {
  const operation = esavOperationFactory(ns);
  return [
    operation('consulterCatalogue', readRequest, async (_caller, request) => service.consult(request), (w, offers: CatalogueOffer[]) =>
      w.open('consulterCatalogueReponse', ns).each('offre', offers, writeOffer).close('consulterCatalogueReponse'),
    ),
  ];
}

export function catalogueV1Operations(service: CatalogueService): SoapOperation<any, any>[] {
  return catalogueOperations(service, SIGNALISATION_V1_NS);
}
