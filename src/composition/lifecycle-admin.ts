// Composition of the profiles administration and the operators' life cycle (issue 14) in a
// gateway process: their SQL repositories, the operation names the gateway serves (what a profile
// may grant) and the TLS front of the process (through OperatorService) to apply changes at once.
import type { Clock } from '../domain/clock.js';
import type { SoapEndpoint } from '../adapters/soap/endpoint.js';
import type { Database } from '../adapters/postgres/db.js';
import { SqlProfileRepository } from '../adapters/postgres/profiles.js';
import { SqlOperatorLifecycleRepository } from '../adapters/postgres/operator-lifecycle.js';
import { ProfileService } from '../application/profiles.js';
import { OperatorLifecycleService } from '../application/operator-lifecycle.js';
import type { OperatorService } from '../application/operators.js';

/** Every WSDL operation name of the endpoints (a profile grants these, or '*'). */
export function operationNamesOf(endpoints: readonly SoapEndpoint[]): string[] {
  return [...new Set(endpoints.flatMap((e) => [...e.operations.values()].map((op) => op.name)))].sort();
}

export function buildLifecycleAdmin(deps: { db: Database; clock: Clock; operators: OperatorService; knownOperations: readonly string[] }) {
  const { db, clock, operators } = deps;
  return {
    profiles: new ProfileService({ repository: new SqlProfileRepository(db), knownOperations: deps.knownOperations, clock, identities: operators }),
    operatorLifecycle: new OperatorLifecycleService({ repository: new SqlOperatorLifecycleRepository(db), access: operators, clock }),
  };
}
