// The published services: each endpoint is a contract (schema + mappings) over the use cases.
// Each one names its promotion domain (spec §3: signalisation and/or test), which a production
// instance checks against the caller's promoted domains (fault 203): SignalisationService, with
// its appointment operations, and Interop'Fibre planChargeSavFtth (appointments of signalisations)
// are `signalisation`; TestService and Interop'Fibre infoTravauxFTTH (the planned works and
// incidents TestService also publishes) are `test`.
import path from 'node:path';
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
import type { LineTestService } from '../../application/line-tests.js';
import type { TravauxService } from '../../application/travaux.js';
import { WSDL_DIR, XSD_DIR } from '../paths.js';
import type { CatalogueService } from '../../application/catalogue.js';
import type { RendezVousService } from '../../application/rendezvous.js';
import type { SignalisationService } from '../../application/signalisation.js';
import type { NoticeService } from '../../application/notices.js';
import { operationsByElement, type SoapEndpoint } from '../soap/endpoint.js';
import { CompiledSchema } from '../soap/schema-registry.js';

/** The use cases the published services are contracts over (built once by the composition root). */
export interface EndpointUseCases {
  signalisation: SignalisationService;
  rendezVous: RendezVousService;
  catalogue: CatalogueService;
  lineTests: LineTestService;
  travaux: TravauxService;
  /** The notices to the operators (consulterAvis, SignalisationService v2 only); absent: none listed. */
  notices?: NoticeService | undefined;
}

export interface EndpointDeps {
  useCases: EndpointUseCases;
  /** The provider's SIREN (Interop'Fibre headers name it). */
  providerSiren: string;
}

/** Every published endpoint: one builder per service, each a contract over the use cases. */
export function buildEndpoints(deps: EndpointDeps): SoapEndpoint[] {
  return [...signalisationEndpoints(deps), ...planChargeSavFtthEndpoints(deps), ...testEndpoints(deps), ...infoTravauxFtthEndpoints(deps)];
}

/** TestService v1: line tests (asynchronous, on the durable queue), planned works and incidents. */
function testEndpoints({ useCases }: EndpointDeps): SoapEndpoint[] {
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
      operations: operationsByElement(testV1Operations(useCases.lineTests, useCases.travaux)),
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
      operations: operationsByElement(infoTravauxFtthOperations(deps.useCases.travaux)),
    },
  ];
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
      operations: operationsByElement(planChargeSavFtthOperations(deps.useCases.rendezVous)),
    },
  ];
}

export function signalisationEndpoints({ useCases }: EndpointDeps): SoapEndpoint[] {
  const { signalisation, rendezVous, catalogue, notices } = useCases;
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
        ...catalogueV1Operations(catalogue),
      ]),
    },
    // v2 beside v1 (its own namespace, WSDL and schema), over the same use cases; which of them
    // is live is the version registry's decision (config/versions.yaml, src/composition/config/versions.ts).
    {
      path: '/ws/v2/signalisation',
      serviceName: 'SignalisationService',
      version: '2',
      domain: 'signalisation',
      payloadNamespace: SIGNALISATION_V2_NS,
      wsdlFile: path.join(WSDL_DIR, 'v2', 'signalisation-v2.wsdl'),
      schema: CompiledSchema.compile(path.join(XSD_DIR, 'v2', 'signalisation-v2.xsd'), XSD_DIR),
      conventions: esavConventions,
      operations: operationsByElement(signalisationV2Operations(signalisation, rendezVous, catalogue, notices)),
    },
  ];
}
