// The provider's PKI as the operator administration sees it (the ProviderPki port of
// src/application/operator-ports.ts, matched structurally): the provider CA, when configured with its
// key, issues client certificates; any certificate or CA brought by support staff is inspected
// here. Refusals are PkiError with a message for support staff.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { CertificateAuthority, CertificateInfo } from './certificates.js';
import {
  PkiError,
  inspectAuthority,
  inspectClientCertificate,
  issueClientCertificateForKey,
  issueClientCertificateWithKeyPair,
  keyStrength,
  parseCsr,
} from './client-certificates.js';

export interface IssuedClientCertificate {
  certPem: string;
  fingerprint: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  keyDescription: string;
}

interface Validity {
  notBefore: Date;
  notAfter: Date;
}

interface Subject {
  operatorCode: string;
  operatorName: string;
}

const ORGANIZATIONAL_UNIT = 'e-SAV';

const toIssued = (certPem: string, info: CertificateInfo, keyDescription: string): IssuedClientCertificate => ({
  certPem,
  fingerprint: info.fingerprint256,
  subject: info.subject,
  issuer: info.issuer,
  serialNumber: info.serialNumber,
  notBefore: info.notBefore,
  notAfter: info.notAfter,
  keyDescription,
});

const clientSubject = (s: Subject) => ({ commonName: s.operatorCode, organization: s.operatorName, organizationalUnit: ORGANIZATIONAL_UNIT });

export class ProviderPki {
  /** `ca` with its private key: certificates can be issued; undefined: registration only. */
  constructor(private readonly ca: CertificateAuthority | undefined) {}

  get canIssue(): boolean {
    return this.ca !== undefined;
  }

  get providerCaPem(): string | undefined {
    return this.ca?.certPem;
  }

  private authority(): CertificateAuthority {
    if (!this.ca) throw new PkiError('aucune AC du fournisseur n’est configurée');
    return this.ca;
  }

  /** From the operator's PKCS#10 request: its key, the provider's subject (operator code and name). */
  issueFromCsr(csrPem: string, subject: Subject, validity: Validity): IssuedClientCertificate {
    const csr = parseCsr(csrPem);
    const issued = issueClientCertificateForKey(this.authority(), csr.spkiDer, clientSubject(subject), validity);
    return toIssued(issued.certPem, issued.info, csr.key.description);
  }

  /** A generated RSA 2048 key pair delivered as PKCS#12 under `password`. */
  issuePkcs12(subject: Subject, validity: Validity, password: string): IssuedClientCertificate & { pkcs12: Buffer } {
    const delivery = issueClientCertificateWithKeyPair(this.authority(), clientSubject(subject), validity, password, `${subject.operatorCode} e-SAV`);
    return { ...toIssued(delivery.certPem, delivery.info, 'RSA 2048 bits'), pkcs12: delivery.pkcs12 };
  }

  inspectClientCertificate(pem: string, trustedPems: readonly string[], at: Date) {
    const inspected = inspectClientCertificate(pem, trustedPems, at, this.ca?.certPem);
    return {
      ...toIssued(inspected.certPem, inspected.info, inspected.key.description),
      problems: inspected.problems,
      warnings: inspected.warnings,
      chain: inspected.chain,
      origin: inspected.issuedByProvider ? ('FOURNISSEUR' as const) : ('AC_RECONNUE' as const),
    };
  }

  inspectAuthority(pem: string, trustedPems: readonly string[], at: Date) {
    const inspected = inspectAuthority(pem, trustedPems, at);
    return {
      certPem: inspected.certPem,
      fingerprint: inspected.info.fingerprint256,
      subject: inspected.info.subject,
      notAfter: inspected.info.notAfter,
      problems: inspected.problems,
    };
  }

  describe(pem: string): { fingerprint: string; subject: string; notAfter: Date } {
    const x509 = new X509Certificate(pem);
    return {
      fingerprint: x509.fingerprint256.replace(/:/g, '').toLowerCase(),
      subject: x509.subject.split('\n').filter(Boolean).join(', '),
      notAfter: new Date(x509.validTo),
    };
  }

  /** Checks a configured provider CA: a CA certificate matching its key, strong enough. */
  static checkAuthority(ca: CertificateAuthority): void {
    const x509 = new X509Certificate(ca.certPem);
    if (!x509.ca) throw new PkiError('l’AC du fournisseur n’est pas un certificat d’autorité (CA:TRUE)');
    const strength = keyStrength(x509.publicKey);
    if (strength.problem) throw new PkiError(`AC du fournisseur : ${strength.problem}`);
    if (!x509.checkPrivateKey(createPrivateKey(ca.keyPem))) throw new PkiError('la clé de l’AC du fournisseur ne correspond pas à son certificat');
  }
}
