// Who is calling: the operator and profile a registered client certificate resolves to, and the
// rules that decide whether that caller may run an operation on this platform.
import { EsavFault } from './faults.js';
import type { PromotionDomain } from './operators.js';

export type Platform = 'integration' | 'production';

export interface OperatorIdentity {
  operatorCode: string;
  operatorSiren: string;
  operatorName: string;
  /** Where the operator is enabled: every operator starts in integration. */
  operatorPlatform: Platform;
  /** The domains the operator was promoted to production for (empty until promoted). */
  productionDomains: ReadonlySet<PromotionDomain>;
  profileName: string;
  /** Operation names the profile grants; '*' grants every operation. */
  allowedOperations: ReadonlySet<string>;
  certificateFingerprint: string;
  certificateNotAfter: Date;
  certificateRevokedAt: Date | null;
}

export const ALL_OPERATIONS = '*';

/** Fault 200 unless the certificate is usable at `now` (registered is checked by the caller). */
export function assertCertificateUsable(identity: OperatorIdentity, now: Date): void {
  // A revocation takes effect at once, whatever the business clock says.
  if (identity.certificateRevokedAt !== null) throw new EsavFault(200, 'Certificat client révoqué');
  if (identity.certificateNotAfter.getTime() <= now.getTime()) {
    throw new EsavFault(200, `Certificat client expiré le ${identity.certificateNotAfter.toISOString()}`);
  }
}

/**
 * Fault 201 unless the request header designates the caller: each contract's header names the
 * operator its own way (e-SAV codeOperateur, Interop'Fibre sirenOC), the rule is the same.
 */
export function assertHeaderDesignatesCaller(designatesCaller: boolean, champ: string): void {
  if (!designatesCaller) throw new EsavFault(201, undefined, { champ });
}

/**
 * The checks every operation goes through once the message is valid and its header designates
 * the caller: the profile grants the operation (202); on a production instance, the operator is
 * promoted to production (203) and promoted for the operation's domain (203): promotion is
 * granted per domain, on the evidence of a passing conformance run for that domain (spec §3).
 */
export function authorizeOperation(identity: OperatorIdentity, operation: string, platform: Platform, domain: PromotionDomain): void {
  if (!identity.allowedOperations.has(ALL_OPERATIONS) && !identity.allowedOperations.has(operation)) {
    throw new EsavFault(202, `Opération ${operation} non autorisée par le profil ${identity.profileName}`);
  }
  if (platform !== 'production') return;
  if (identity.operatorPlatform !== 'production') {
    throw new EsavFault(203, "Opérateur non encore promu en production : utilisez la plateforme d'intégration");
  }
  if (!identity.productionDomains.has(domain)) {
    const promoted = [...identity.productionDomains].sort().join(', ') || 'aucun';
    throw new EsavFault(
      203,
      `Opérateur non promu en production pour le domaine ${domain} (opération ${operation}) : domaine(s) promu(s) : ${promoted} ; ` +
        "validez ce domaine sur la plateforme d'intégration",
    );
  }
}
