// What the SOAP micro-benchmarks and the use-case child share: the caller's identity, the gateway's
// own SignalisationService v1 endpoint (src/adapters/operators-front/endpoints.ts) over the given use
// case, and the bench's deposit as the use case receives it.
import { SignalisationService, type DepositRequest } from '../../src/application/signalisation.js';
import { systemClock } from '../../src/domain/clock.js';
import { frenchPublicHolidays } from '../../src/domain/holidays.js';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import type { Database } from '../../src/adapters/postgres/db.js';
import { SqlPrestationRepository } from '../../src/adapters/postgres/prestations.js';
import { SqlSignalisationRepository } from '../../src/adapters/postgres/signalisations.js';
import type { OperatorIdentity } from '../../src/domain/identity.js';
import { signalisationEndpoints, type EndpointUseCases } from '../../src/adapters/operators-front/endpoints.js';
import type { SoapEndpoint } from '../../src/adapters/soap/endpoint.js';

export const BENCH_IDENTITY: OperatorIdentity = {
  operatorCode: 'OPA1',
  operatorSiren: '123456789',
  operatorName: 'Opérateur A',
  operatorPlatform: 'integration',
  productionDomains: new Set(),
  profileName: 'COMPLET',
  allowedOperations: new Set(['*']),
  certificateFingerprint: 'AA',
  certificateNotAfter: new Date('2030-01-01T00:00:00Z'),
  certificateRevokedAt: null,
};

/** The signalisation use case on `db` as the gateway builds it (real clock, French public holidays). */
export function benchSignalisationService(db: Database): SignalisationService {
  return new SignalisationService({
    catalogue: loadCatalogue(CATALOG_DIR),
    clock: systemClock,
    calendar: frenchPublicHolidays(),
    prestations: new SqlPrestationRepository(db),
    signalisations: new SqlSignalisationRepository(db),
  });
}

/** The gateway's /ws/v1/signalisation endpoint; the other use cases are unused stubs. */
export function signalisationV1Endpoint(signalisation: SignalisationService): SoapEndpoint {
  const useCases = { signalisation, rendezVous: {}, catalogue: {}, lineTests: {}, travaux: {} } as unknown as EndpointUseCases;
  const endpoint = signalisationEndpoints({ useCases, providerSiren: '000000000' }).find((e) => e.path === '/ws/v1/signalisation');
  if (!endpoint) throw new Error('no /ws/v1/signalisation endpoint');
  return endpoint;
}

/** The same deposit as bench/lib/messages.ts depositRequest, as the use case receives it. */
export function depositUseCaseRequest(referenceInterneOC: string): DepositRequest {
  return {
    canal: 'WS',
    offre: 'FTTH_PASSIF',
    identifiantPrestation: 'FI-1000-0001',
    formulaire: { idFormulaire: 'FTTH_PASSIF', version: 1 },
    defautDeclare: 'INTERRUPTION_TOTALE',
    impact: 'TOTAL',
    dateDebutDefaut: new Date('2026-11-27T08:00:00+01:00'),
    localisationPresumee: 'PTO',
    referenceInterneOC,
    contactSite: { nom: 'Mme Martin', telephone: '+33 1 23 45 67 89' },
    contactOC: { nom: 'SAV OPA', telephone: '0800 000 000', email: 'sav@opa.example' },
    accesSite: { horaires: '8h-18h', informations: 'Digicode 1234' },
    commentaire: 'Plus de synchronisation depuis ce matin',
    champs: [{ code: 'REF_PTO', valeur: 'PTO-75056-000123' }],
  };
}
