// The published services: each endpoint is a contract (schema + mappings) over the use cases.
// Each one names its promotion domain (spec §3: signalisation and/or test), which a production
// instance checks against the caller's promoted domains (fault 203): SignalisationService, with
// its appointment operations, and Interop'Fibre planChargeSavFtth (appointments of signalisations)
// are `signalisation`; TestService and Interop'Fibre infoTravauxFTTH (the planned works and
// incidents TestService also publishes) are `test`.
import path from 'node:path';
import type { Catalogue } from '../../domain/catalogue.js';
import type { Clock } from '../../domain/clock.js';
import type { HolidayCalendar } from '../../domain/holidays.js';
import { catalogueV1Operations } from '../contracts/esav-v1/catalogue.js';
import { rendezVousV1Operations } from '../contracts/esav-v1/rendezvous.js';
import { signalisationV1Operations, SIGNALISATION_V1_NS } from '../contracts/esav-v1/signalisation.js';
import { signalisationV2Operations, SIGNALISATION_V2_NS } from '../contracts/esav-v2/signalisation.js';
import { INTEROP_FIBRE_NS, planChargeConventions } from '../contracts/interop/plan-charge-conventions.js';
import { planChargeSavFtthOperations } from '../contracts/interop/plan-charge-sav-ftth.js';
import { esavConventions } from '../contracts/esav-conventions.js';
import { TEST_V1_NS, testV1Operations } from '../contracts/esav-v1/test.js';
import { INFO_TRAVAUX_NS, infoTravauxConventions } from '../contracts/interop/info-travaux-conventions.js';
import { infoTravauxFtthOperations } from '../contracts/interop/info-travaux-ftth.js';
import type { LineTestJobs } from '../../application/line-test-ports.js';
import { LineTestService, lineTestReader } from '../../application/line-tests.js';
import { TravauxService } from '../../application/travaux.js';
import { SqlLineTestRepository } from '../postgres/line-tests.js';
import { SqlTravauxRepository } from '../postgres/travaux.js';
import { WSDL_DIR, XSD_DIR } from '../paths.js';
import { CatalogueService } from '../../application/catalogue.js';
import { RendezVousService } from '../../application/rendezvous.js';
import { SignalisationService } from '../../application/signalisation.js';
import { operationsByElement, type SoapEndpoint } from '../soap/endpoint.js';
import { CompiledSchema } from '../soap/schema-registry.js';
import type { Database } from '../postgres/db.js';
import { SqlPrestationRepository } from '../postgres/prestations.js';
import { SqlCapacityRepository, SqlRendezVousRepository } from '../postgres/rendezvous.js';
import { SqlSignalisationRepository } from '../postgres/signalisations.js';

export interface EndpointDeps {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  calendar: HolidayCalendar;
  /** The provider's SIREN (Interop'Fibre headers name it). */
  providerSiren: string;
  /** The durable queue line tests are enqueued on (src/adapters/queue/queue.ts). */
  lineTestJobs: LineTestJobs;
}

/** Every published endpoint: one builder per service, each a contract over the use cases. */
export function buildEndpoints(deps: EndpointDeps): SoapEndpoint[] {
  return [...signalisationEndpoints(deps), ...planChargeSavFtthEndpoints(deps), ...testEndpoints(deps), ...infoTravauxFtthEndpoints(deps)];
}

function travauxService({ db, catalogue, clock }: EndpointDeps): TravauxService {
  return new TravauxService({ catalogue, clock, prestations: new SqlPrestationRepository(db), travaux: new SqlTravauxRepository(db) });
}

/** TestService v1: line tests (asynchronous, on the durable queue), planned works and incidents. */
function testEndpoints(deps: EndpointDeps): SoapEndpoint[] {
  const { db, catalogue, clock } = deps;
  const tests = new LineTestService({
    catalogue,
    clock,
    prestations: new SqlPrestationRepository(db),
    signalisations: new SqlSignalisationRepository(db),
    tests: new SqlLineTestRepository(db),
    jobs: deps.lineTestJobs,
  });
  return [
    {
      path: '/ws/v1/test',
      serviceName: 'TestService',
      version: '1',
      domain: 'test',
      payloadNamespace: TEST_V1_NS,
      wsdlFile: path.join(WSDL_DIR, 'v1', 'test-v1.wsdl'),
      schema: CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'test-v1.xsd'), XSD_DIR),
      conventions: esavConventions,
      operations: operationsByElement(testV1Operations(tests, travauxService(deps))),
    },
  ];
}

/** Interop'Fibre infoTravauxFTTH: the FTTH planned works and collective faults. */
function infoTravauxFtthEndpoints(deps: EndpointDeps): SoapEndpoint[] {
  return [
    {
      path: '/ws/interop/infoTravauxFTTH',
      serviceName: 'getInfoTravauxFTTHService',
      version: '1',
      domain: 'test',
      payloadNamespace: INFO_TRAVAUX_NS,
      wsdlFile: path.join(WSDL_DIR, 'interop', 'infoTravauxFTTH.wsdl'),
      schema: CompiledSchema.compile(path.join(XSD_DIR, 'interop', 'infoTravauxFTTH.xsd'), XSD_DIR),
      conventions: infoTravauxConventions(deps.providerSiren),
      operations: operationsByElement(infoTravauxFtthOperations(travauxService(deps))),
    },
  ];
}

/** The appointment use cases (e-SAV operations, the detail's appointments, Interop'Fibre planChargeSavFtth). */
function rendezVousService({ db, catalogue, clock, calendar }: EndpointDeps): RendezVousService {
  return new RendezVousService({
    catalogue,
    clock,
    calendar,
    capacity: new SqlCapacityRepository(db, calendar),
    rendezVous: new SqlRendezVousRepository(db),
    prestations: new SqlPrestationRepository(db),
    signalisations: new SqlSignalisationRepository(db),
  });
}

function planChargeSavFtthEndpoints(deps: EndpointDeps): SoapEndpoint[] {
  return [
    {
      path: '/ws/interop/planChargeSavFtth',
      serviceName: 'PlanChargeFtthSavService',
      version: '1',
      domain: 'signalisation',
      payloadNamespace: INTEROP_FIBRE_NS,
      wsdlFile: path.join(WSDL_DIR, 'interop', 'planChargeSavFtth.wsdl'),
      schema: CompiledSchema.compile(path.join(XSD_DIR, 'interop', 'planChargeSavFtth.xsd'), XSD_DIR),
      conventions: planChargeConventions(deps.providerSiren),
      operations: operationsByElement(planChargeSavFtthOperations(rendezVousService(deps))),
    },
  ];
}

function signalisationEndpoints(deps: EndpointDeps): SoapEndpoint[] {
  const { db, catalogue, clock, calendar } = deps;
  const rendezVous = rendezVousService(deps);
  const signalisation = new SignalisationService({
    appointments: rendezVous,
    lineTests: lineTestReader(new SqlLineTestRepository(db)),
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
      domain: 'signalisation',
      payloadNamespace: SIGNALISATION_V1_NS,
      wsdlFile: path.join(WSDL_DIR, 'v1', 'signalisation-v1.wsdl'),
      schema: CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'signalisation-v1.xsd'), XSD_DIR),
      conventions: esavConventions,
      operations: operationsByElement([
        ...signalisationV1Operations(signalisation),
        ...rendezVousV1Operations(rendezVous),
        ...catalogueV1Operations(new CatalogueService({ catalogue, clock })),
      ]),
    },
    // v2 beside v1 (its own namespace, WSDL and schema), over the same use cases; which of them
    // is live is the version registry's decision (config/versions.yaml, src/adapters/operators-front/versions.ts).
    {
      path: '/ws/v2/signalisation',
      serviceName: 'SignalisationService',
      version: '2',
      domain: 'signalisation',
      payloadNamespace: SIGNALISATION_V2_NS,
      wsdlFile: path.join(WSDL_DIR, 'v2', 'signalisation-v2.wsdl'),
      schema: CompiledSchema.compile(path.join(XSD_DIR, 'v2', 'signalisation-v2.xsd'), XSD_DIR),
      conventions: esavConventions,
      operations: operationsByElement(signalisationV2Operations(signalisation, rendezVous, new CatalogueService({ catalogue, clock }))),
    },
  ];
}
