// The published services: each endpoint is a contract (schema + mappings) over the use cases.
import path from 'node:path';
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import { catalogueV1Operations } from '../contracts/esav-v1/catalogue.js';
import { signalisationV1Operations, SIGNALISATION_V1_NS } from '../contracts/esav-v1/signalisation.js';
import { esavConventions } from '../contracts/esav-conventions.js';
import { WSDL_DIR, XSD_DIR } from '../paths.js';
import { CatalogueService } from '../services/catalogue.js';
import { SignalisationService } from '../services/signalisation.js';
import { operationsByElement, type SoapEndpoint } from '../soap/endpoint.js';
import { CompiledSchema } from '../soap/schema-registry.js';
import type { Database } from '../store/db.js';
import { SqlPrestationRepository } from '../store/prestations.js';
import { SqlSignalisationRepository } from '../store/signalisations.js';

export interface EndpointDeps {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  calendar: HolidayCalendar;
  /** The provider's SIREN (Interop'Fibre headers name it). */
  providerSiren: string;
}

/** Every published endpoint: one builder per service, each a contract over the use cases. */
export function buildEndpoints(deps: EndpointDeps): SoapEndpoint[] {
  return [...signalisationEndpoints(deps)];
}

function signalisationEndpoints({ db, catalogue, clock, calendar }: EndpointDeps): SoapEndpoint[] {
  const signalisation = new SignalisationService({
    catalogue,
    clock,
    calendar,
    prestations: new SqlPrestationRepository(db),
    signalisations: new SqlSignalisationRepository(db),
  });
  return [
    {
      path: '/ws/v1/signalisation',
      serviceName: 'SignalisationService',
      version: '1',
      payloadNamespace: SIGNALISATION_V1_NS,
      wsdlFile: path.join(WSDL_DIR, 'v1', 'signalisation-v1.wsdl'),
      schema: CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'signalisation-v1.xsd'), XSD_DIR),
      conventions: esavConventions,
      operations: operationsByElement([
        ...signalisationV1Operations(signalisation),
        ...catalogueV1Operations(new CatalogueService({ catalogue, clock })),
      ]),
    },
  ];
}
