// The running rules of the service around every SOAP request, in one place (decision 0010):
//   before the caller is known   maintenance window (nightly or announced works) → 402
//   once the caller is known      retired or not yet live version → 400; rate limit → 401
// and, once the answer is sent (Fastify onResponse), the observers: volumetry and metrics.
// app.ts passes the policy to handleSoapRequest and calls the observer; nothing else checks these.
import type { OperatorIdentity } from '../../domain/identity.js';
import type { SoapEndpoint } from '../soap/endpoint.js';
import type { RequestPolicy } from '../soap/pipeline.js';

export type { RequestPolicy } from '../soap/pipeline.js';

/** A SOAP request as answered, for the observers. */
export interface ServedRequest {
  endpoint: SoapEndpoint;
  operation: string | undefined;
  operatorCode: string | undefined;
  /** 'ok', or the fault code, e.g. '402'. */
  outcome: string;
  durationSeconds: number;
  /** When it was answered (business clock). */
  at: Date;
  /** SHA-256 fingerprint of the client certificate, once resolved (conformance evidence). */
  certificateFingerprint?: string | undefined;
  /** The request id (idRequete). */
  requestId?: string;
}

export interface RequestObserver {
  /** Called after the answer is sent: must not throw, must not block (batch, count in memory). */
  served(request: ServedRequest): void;
}

export interface MaintenanceGate {
  assertOpen(now: Date): void;
}

export interface VersionGate {
  /** Fault 400 when the endpoint's version is not live at `now`. */
  assertLive(endpoint: SoapEndpoint, now: Date): void;
}

export interface RateGate {
  /** Fault 401 when the operator is over its limit for this minute. */
  admit(operatorCode: string, now: Date): void | Promise<void>;
}

export interface PolicyParts {
  maintenance?: MaintenanceGate;
  versions?: VersionGate;
  rateLimits?: RateGate;
}

/** The gateway's request policy: maintenance first, then (caller known) version, then rate. */
export function requestPolicy(parts: PolicyParts): RequestPolicy {
  const { maintenance, versions, rateLimits } = parts;
  return {
    beforeIdentity(_endpoint: SoapEndpoint, now: Date) {
      maintenance?.assertOpen(now);
    },
    afterIdentity(endpoint: SoapEndpoint, identity: OperatorIdentity, now: Date) {
      versions?.assertLive(endpoint, now);
      return rateLimits?.admit(identity.operatorCode, now);
    },
  };
}

/** Several observers as one; one that throws is reported to `onError` and does not stop the others. */
export function observers(list: ReadonlyArray<RequestObserver | undefined>, onError: (error: unknown) => void): RequestObserver {
  const present = list.filter((o): o is RequestObserver => o !== undefined);
  return {
    served(request) {
      for (const o of present) {
        try {
          o.served(request);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
