// Profiles (issue 6, spec §3): every operation of every published service is granted by the
// right profiles, and the grant is enforced on each call (fault 202) whatever the service.
import { SettableClock } from '../../src/domain/clock.js';
import { issueClientCertificate, describeCertificate } from '../../src/adapters/pki/certificates.js';
import { buildEndpoints } from '../../src/adapters/operators-front/endpoints.js';
import { PROFILES } from '../../src/composition/demo-data.js';
import { SqlOperatorRepository } from '../../src/adapters/postgres/operators.js';
import { enteteRequete, rawPost, startTestGateway, type ClientTls, type TestGateway } from '../support/gateway.js';
import { parseFault } from '../support/faults.js';
import { HOUR } from '../support/operator-pki.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

/** Which profile grants what: the intent of spec §3, written out independently of PROFILES. */
const EXPECTED: Record<string, string[]> = {
  // SignalisationService v1, signalisation and catalogue
  consulterCatalogue: ['SIGNALISATION_LECTURE', 'SIGNALISATION_COMPLET'],
  consulterEtatSignalisation: ['SIGNALISATION_LECTURE', 'SIGNALISATION_COMPLET'],
  consulterDetailSignalisation: ['SIGNALISATION_LECTURE', 'SIGNALISATION_COMPLET'],
  listerSignalisations: ['SIGNALISATION_LECTURE', 'SIGNALISATION_COMPLET'],
  consulterHistorique: ['SIGNALISATION_LECTURE', 'SIGNALISATION_COMPLET'],
  deposerSignalisation: ['SIGNALISATION_COMPLET'],
  completerSignalisation: ['SIGNALISATION_COMPLET'],
  // appointments: e-SAV and Interop'Fibre planChargeSavFtth
  rechercherCreneaux: ['RENDEZVOUS'],
  reserverCreneau: ['RENDEZVOUS'],
  reporterRendezVous: ['RENDEZVOUS'],
  annulerRendezVous: ['RENDEZVOUS'],
  consulterRendezVous: ['RENDEZVOUS'],
  rechercheCreneauxLibres: ['RENDEZVOUS'],
  reservationCreneau: ['RENDEZVOUS'],
  reportRDV: ['RENDEZVOUS'],
  consultationRdv: ['RENDEZVOUS'],
  // TestService v1 and Interop'Fibre infoTravauxFTTH
  listerTestsDisponibles: ['TEST'],
  demanderTest: ['TEST'],
  consulterResultatTest: ['TEST'],
  consulterTravauxIncidents: ['TEST'],
  getInfoTravauxFTTH: ['TEST'],
  // SignalisationService v2 only: the provider's notices concern every operator's user (decision 0022)
  consulterAvis: ['SIGNALISATION_LECTURE', 'SIGNALISATION_COMPLET', 'RENDEZVOUS', 'TEST'],
};

const grants = (profile: string, operation: string) => {
  const operations = PROFILES.find((p) => p.name === profile)?.operations ?? [];
  return operations.includes('*') || operations.includes(operation);
};

describeDb('profiles', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway({ clock: new SettableClock(new Date()) });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('every published operation is granted by TOUT and by exactly the profiles of its domain', () => {
    const endpoints = buildEndpoints({ useCases: t.gateway.useCases, providerSiren: t.config.providerSiren });
    const published = [...new Set(endpoints.flatMap((e) => [...e.operations.values()].map((o) => o.name)))].sort();
    expect(published).toEqual(Object.keys(EXPECTED).sort());
    for (const operation of published) {
      const granting = PROFILES.filter((p) => p.name !== 'TOUT' && grants(p.name, operation)).map((p) => p.name).sort();
      expect({ operation, granting }).toEqual({ operation, granting: [...EXPECTED[operation]!].sort() });
      expect(grants('TOUT', operation)).toBe(true);
    }
    // No profile grants an operation that does not exist (a typo would silently grant nothing).
    for (const profile of PROFILES) for (const operation of profile.operations) if (operation !== '*') expect(published).toContain(operation);
  });

  test('enforced on every service: an operation outside the profile → 202, inside → the business answer', async () => {
    const pki = t.gateway.devPki!;
    const repository = new SqlOperatorRepository(t.db);
    const now = Date.now();
    const clients: Record<string, ClientTls> = {};
    for (const profile of PROFILES) {
      const issued = issueClientCertificate(pki.ca, { commonName: `OPA1 ${profile.name}`, notBefore: new Date(now - HOUR), notAfter: new Date(now + 24 * HOUR) });
      const info = describeCertificate(issued.certPem);
      await repository.registerCertificate({ ...info, fingerprint256: info.fingerprint256, operatorCode: 'OPA1', profileName: profile.name, origin: 'FOURNISSEUR' }, new Date());
      clients[profile.name] = { key: Buffer.from(issued.keyPem), cert: Buffer.from(issued.certPem), ca: Buffer.from(pki.ca.certPem) };
    }
    const envelope = (payload: string) =>
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete('OPA1')}</soapenv:Header><soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`;
    const calls: Array<{ path: string; operation: string; payload: string }> = [
      { path: '/ws/v1/signalisation', operation: 'consulterEtatSignalisation', payload: '<s:consulterEtatSignalisation xmlns:s="urn:esav:signalisation:v1"><s:referenceSignalisation>SIG-0000000999</s:referenceSignalisation></s:consulterEtatSignalisation>' },
      { path: '/ws/v1/signalisation', operation: 'consulterRendezVous', payload: '<s:consulterRendezVous xmlns:s="urn:esav:signalisation:v1"><s:referenceSignalisation>SIG-0000000999</s:referenceSignalisation></s:consulterRendezVous>' },
      { path: '/ws/v1/test', operation: 'listerTestsDisponibles', payload: '<t:listerTestsDisponibles xmlns:t="urn:esav:test:v1"><t:identifiantPrestation>FI-1000-0001</t:identifiantPrestation></t:listerTestsDisponibles>' },
    ];
    for (const call of calls) {
      for (const profile of PROFILES) {
        const response = await rawPost(`${t.url}${call.path}`, clients[profile.name], envelope(call.payload));
        const allowed = grants(profile.name, call.operation);
        const code = response.status === 200 ? 0 : parseFault(response.body).code;
        if (allowed) expect({ ...call, profile: profile.name, code: code === 202 ? 202 : 'business' }).toEqual({ ...call, profile: profile.name, code: 'business' });
        else expect({ ...call, profile: profile.name, code }).toEqual({ ...call, profile: profile.name, code: 202 });
      }
    }
  });
});
