// The CAs whose client certificates the gateway accepts, and the check that lets an expired
// certificate of a trusted CA through the TLS layer so that it can be answered with fault 200.
import { X509Certificate } from 'node:crypto';

export class TrustStore {
  private readonly authorities: X509Certificate[];

  constructor(readonly caPems: readonly string[]) {
    this.authorities = caPems.map((pem) => new X509Certificate(pem));
  }

  /**
   * True when `leaf` (DER) is signed by one of the trusted CAs, ignoring validity dates.
   * Used only for certificates OpenSSL refused as expired: the signature check is what keeps a
   * self-signed or foreign certificate out.
   */
  isIssuedByTrustedCa(leafDer: Buffer): boolean {
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(leafDer);
    } catch {
      return false;
    }
    return this.authorities.some((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  }
}
