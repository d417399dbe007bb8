// The WSDL and every XSD it imports are served over mTLS and resolve by URL the way toolkits
// resolve them (relative schemaLocation against the WSDL URL).
import https from 'node:https';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

describeDb('contract documents', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { ESAV_PUBLIC_URL: 'https://esav.example.net:9443' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  function get(url: string): Promise<{ status: number; body: string; type: string }> {
    const tls = t.tlsFor('OPA1');
    return new Promise((resolve, reject) => {
      https
        .get(url, { ...tls, agent: false, checkServerIdentity: () => undefined }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), type: String(r.headers['content-type']) }));
        })
        .on('error', reject);
    });
  }

  function schemaLocations(xml: string): string[] {
    const doc = XmlDocument.fromString(xml);
    const out: string[] = [];
    const walk = (e: XmlElement) => {
      if (e.name === 'import' || e.name === 'include') {
        const location = e.attrs.find((a) => a.name === 'schemaLocation')?.value;
        if (location) out.push(location);
      }
      for (let n = e.firstChild; n; n = n.next) if (n instanceof XmlElement) walk(n);
    };
    walk(doc.root);
    doc.dispose();
    return out;
  }

  test('WSDL at ?wsdl with the public address, and every imported XSD resolvable', async () => {
    const wsdlUrl = `${t.url}/ws/v1/signalisation?wsdl`;
    const wsdl = await get(wsdlUrl);
    expect(wsdl.status).toBe(200);
    expect(wsdl.type).toContain('text/xml');
    expect(wsdl.body).toContain('<soap:address location="https://esav.example.net:9443/ws/v1/signalisation"/>');

    const pending = schemaLocations(wsdl.body).map((l) => new URL(l, wsdlUrl).toString());
    const seen = new Set<string>();
    while (pending.length > 0) {
      const url = pending.pop()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const xsd = await get(url);
      expect({ url, status: xsd.status }).toEqual({ url, status: 200 });
      for (const l of schemaLocations(xsd.body)) pending.push(new URL(l, url).toString());
    }
    expect([...seen].map((u) => new URL(u).pathname).sort()).toEqual(['/xsd/common/commun-v1.xsd', '/xsd/v1/signalisation-v1.xsd']);
  });

  test('nothing outside the contract folders is served', async () => {
    for (const p of ['/xsd/../package.json', '/xsd/%2e%2e/package.json', '/wsdl/../src/processes/gateway.ts', '/xsd/v1/nope.xsd']) {
      expect((await get(`${t.url}${p}`)).status).toBe(404);
    }
  });
});
