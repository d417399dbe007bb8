// Notices to the operators (issue 15, decision 0022) on the real gateway: the contract's notice
// periods refused naming the rule and forced by a named agent (audited); announced works windows
// and rate limits publish their notice in the same transaction; notices written by hand; e-mails
// through a real SMTP server (smtp-server) to each operator's e-SAV contact and order-form address,
// in French, through the durable queue; the certificate renewal notice written once; the v2
// operation consulterAvis through node-soap from the served WSDL over mutual TLS; v1 unchanged.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/admin-cli/cli.js';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import { PROJECT_ROOT, XSD_DIR } from '../../src/adapters/paths.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { SettableClock } from '../../src/domain/clock.js';
import { createCertificateAuthority, issueClientCertificate } from '../../src/adapters/pki/certificates.js';
import { certificateRenewalNotice } from '../../src/composition/notices.js';
import { enteteRequete, rawPost, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { giveAddresses } from '../support/notices.js';
import { writeRegistry } from '../support/versions.js';
import { csrfOf, signInConsole } from '../support/web-portal.js';

const describeDb = await describeWithPostgres();

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(path.join(PROJECT_ROOT, file))).digest('hex');

describeDb('notices to the operators', () => {
  let t: TestGateway;
  let smtp: TestSmtpServer;
  // Wednesday 25 November 2026, 10:00 Paris: two working days later is Friday 27 at 10:00.
  const clock = new SettableClock('2026-11-25T10:00:00+01:00');

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(['--url', t.adminUrl, '--token', t.adminToken, ...args], { env: {}, out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) });
    return { code, out, err };
  }
  const mailsOf = (reference: string) => smtp.messages.filter((m) => m.text.includes(`Référence de l’avis : ${reference}`));
  /** The e-mails of a notice once `count` arrived (the durable queue sends them after the commit). */
  async function mailsFor(reference: string, count: number) {
    while (mailsOf(reference).length < count) await smtp.waitFor(smtp.messages.length + 1);
    return mailsOf(reference);
  }
  const audit = async (action: string) => (await t.admin('GET', '/admin/audit?limite=200')).body.evenements.filter((e: { action: string }) => e.action === action);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestGateway({ clock, env: { ESAV_VERSIONS_FILE: writeRegistry(), ESAV_SMTP_URL: smtp.url, ESAV_SMTP_FROM: 'e-SAV <esav@fournisseur.example>' } });
    await giveAddresses(t);
    // The jobs due at start: the notice of the catalogue's next form version (FTTH_PASSIF v2) is written now.
    await t.gateway.scheduler.runDue();
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  test('a works window announced too late is refused naming the rule; forced by a named agent it is audited', async () => {
    const late = { debut: '2026-11-26T22:00:00+01:00', fin: '2026-11-26T23:00:00+01:00', motif: 'Montée de version' };
    const refused = await t.admin('POST', '/admin/maintenances', late);
    expect(refused.status).toBe(409);
    expect(refused.body.erreur).toContain('TRAVAUX_DEUX_JOURS_OUVRES');
    expect(refused.body.erreur).toContain('art. 10.2');
    const works = async () => (await t.admin('GET', '/admin/avis')).body.avis.filter((n: { type: string }) => n.type === 'TRAVAUX_ESAV');
    expect(await works()).toEqual([]);

    const withoutAgent = await t.admin('POST', '/admin/maintenances', { ...late, force: true });
    expect(withoutAgent.status).toBe(400);
    expect(withoutAgent.body.erreur).toContain('agent');

    const forced = await t.admin('POST', '/admin/maintenances', { ...late, force: true, agent: 'M. Martin' });
    expect(forced.status).toBe(201);
    const notices = await works();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ type: 'TRAVAUX_ESAV', operateurs: null, auteur: 'M. Martin', preavisForce: 'TRAVAUX_DEUX_JOURS_OUVRES', debut: '2026-11-26T21:00:00.000Z' });
    const audited = await audit('TRAVAUX_ESAV_ANNONCES');
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ agent: 'M. Martin', details: { reference: forced.body.reference, preavisForce: 'TRAVAUX_DEUX_JOURS_OUVRES', avis: notices[0].reference } });

    // In time: no force needed, no audit of a forced rule.
    const inTime = await t.admin('POST', '/admin/maintenances', { debut: '2026-11-27T10:00:00+01:00', fin: '2026-11-27T11:00:00+01:00', motif: 'Migration' });
    expect(inTime.status).toBe(201);
    const [latest] = (await t.admin('GET', '/admin/avis')).body.avis;
    expect(latest).toMatchObject({ type: 'TRAVAUX_ESAV', preavisForce: null, auteur: 'e-SAV' });
    expect(latest.texte).toContain(inTime.body.reference);
    expect(await audit('TRAVAUX_ESAV_ANNONCES')).toHaveLength(1);

    // Cancelling the forced one tells the operators too; an unknown reference is 404 and writes nothing.
    // The agent who cancels is named in the audit log (and in the notice's author); a blank one is refused.
    expect((await t.admin('POST', `/admin/maintenances/${forced.body.reference}/annulation`, { agent: ' ' })).status).toBe(400);
    const cancelled = await t.admin('POST', `/admin/maintenances/${forced.body.reference}/annulation`, { agent: 'Mme Durand' });
    expect(cancelled.status).toBe(200);
    const [cancellation] = await works();
    expect(cancellation.titre).toBe('Annulation des travaux sur e-SAV du 26/11/2026 à 22h00');
    expect(cancellation.auteur).toBe('Mme Durand');
    expect((await audit('TRAVAUX_ESAV_ANNULES')).map((row: { agent: string }) => row.agent)).toEqual(['Mme Durand']);
    expect((await t.admin('POST', '/admin/maintenances/MNT-999999/annulation')).status).toBe(404);
    expect(await works()).toHaveLength(3);
  });

  test('every operator concerned gets the e-mail at its e-SAV contact and order-form address, in French', async () => {
    const notice = (await t.admin('GET', '/admin/avis')).body.avis.find((n: { titre: string }) => n.titre === 'Travaux sur e-SAV du 27/11/2026 à 10h00 au 27/11/2026 à 11h00');
    // OPA1 (contact + order form), OPB2 (order form only); OPC3 and the others have no address.
    const mails = await mailsFor(notice.reference, 2);
    const byRecipients = Object.fromEntries(mails.map((m) => [m.to.join(','), m]));
    expect(Object.keys(byRecipients).sort()).toEqual(['commandes@opa1.example,esav@opa1.example', 'commandes@opb2.example']);
    const mail = byRecipients['commandes@opa1.example,esav@opa1.example']!;
    expect(mail.from).toBe('esav@fournisseur.example');
    expect(mail.subject).toBe(`[e-SAV] Travaux sur e-SAV : ${notice.titre}`);
    expect(mail.text).toContain('Bonjour,');
    expect(mail.text).toContain('l’équipe e-SAV informe Opérateur A (démo)');
    expect(mail.text).toContain('Du 27/11/2026 à 10h00 au 27/11/2026 à 11h00 (heure de Paris).');
    expect(mail.text).toContain('erreur 402');
    expect(byRecipients['commandes@opb2.example']!.text).toContain('informe Opérateur B (démo)');
    // Recorded once per operator: a job run again sends nothing more.
    // (the row is written once the SMTP server took the mail: wait for it)
    const recorded = () => t.db.query<{ operator_code: string }>('SELECT operator_code FROM notice_mails WHERE notice_id = $1 ORDER BY operator_code', [Number(notice.reference.slice(3))]);
    let sent = await recorded();
    while (sent.length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      sent = await recorded();
    }
    expect(sent.map((r) => r.operator_code)).toEqual(['OPA1', 'OPB2']);
    expect(await t.gateway.notices.service.deliver({ noticeId: Number(notice.reference.slice(3)), operatorCode: 'OPA1' })).toBe('skipped');
  });

  test('a rate limit the same day is refused (LIMITE_LA_VEILLE), forced it is audited and told to that operator only', async () => {
    const refused = await cli('limite', 'definir', '--operateur', 'OPA1', '--rpm', '10', '--a-partir', '2026-11-25T14:00', '--motif', 'surcharge');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('LIMITE_LA_VEILLE');
    const noAgent = await cli('limite', 'definir', '--operateur', 'OPA1', '--rpm', '10', '--forcer');
    expect(noAgent.code).toBe(2);
    const forced = await cli('limite', 'definir', '--operateur', 'OPA1', '--rpm', '10', '--a-partir', '2026-11-25T14:00', '--motif', 'surcharge', '--forcer', '--agent', 'Mme Leroy');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('attention');
    const [notice] = (await t.admin('GET', '/admin/avis?operateur=OPA1')).body.avis;
    expect(notice).toMatchObject({ type: 'LIMITE_DEBIT', operateurs: ['OPA1'], preavisForce: 'LIMITE_LA_VEILLE', auteur: 'Mme Leroy' });
    expect(notice.titre).toBe('Limitation temporaire de débit à 10 requêtes par minute à partir du 25/11/2026 à 14h00');
    expect((await t.admin('GET', '/admin/avis?operateur=OPB2')).body.avis.map((n: { reference: string }) => n.reference)).not.toContain(notice.reference);
    expect((await audit('LIMITE_DEBIT_DEFINIE'))[0]).toMatchObject({ agent: 'Mme Leroy', operateur: 'OPA1', details: { preavisForce: 'LIMITE_LA_VEILLE' } });

    // A day ahead: in time. Lifting a limit needs no notice.
    expect((await cli('limite', 'definir', '--operateur', 'OPB2', '--rpm', '5', '--a-partir', '2026-11-26T10:00')).code).toBe(0);
    expect((await cli('limite', 'lever', '--operateur', 'OPA1')).code).toBe(0);

    const mails = await mailsFor(notice.reference, 1);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['commandes@opa1.example', 'esav@opa1.example']);
    expect(mails[0]!.subject).toContain('[e-SAV] Limitation de débit : Limitation temporaire de débit');
    expect(mails[0]!.text).toContain('limitées à 10 par minute');
  });

  test('notices written by support staff: web-service and form periods checked, forced, withdrawn; audited', async () => {
    const base = { agent: 'M. Martin', titre: 'Nouvelle version', texte: 'SignalisationService v3 : nouvelles opérations.' };
    const major = await t.admin('POST', '/admin/avis', { ...base, type: 'VERSION_WEB_SERVICE', debut: '2027-03-01T00:00:00+01:00' });
    expect(major.status).toBe(409);
    expect(major.body.erreur).toContain('WS_MAJEURE_SIX_MOIS');
    const minor = await t.admin('POST', '/admin/avis', { ...base, type: 'VERSION_WEB_SERVICE', changement: 'MINEURE', debut: '2027-03-01T00:00:00+01:00', operateurs: ['OPA1', 'OPB2'] });
    expect(minor.status).toBe(201);
    expect(minor.body).toMatchObject({ operateurs: ['OPA1', 'OPB2'], preavisForce: null });
    const access = await t.admin('POST', '/admin/avis', { ...base, type: 'VERSION_WEB_SERVICE', changement: 'ACCES', debut: '2026-12-05T00:00:00+01:00' });
    expect(access.status).toBe(409);
    expect(access.body.erreur).toContain('WS_ACCES_QUINZE_JOURS');
    const form = await t.admin('POST', '/admin/avis', { ...base, type: 'VERSION_FORMULAIRE', debut: '2027-01-10T00:00:00+01:00' });
    expect(form.status).toBe(409);
    expect(form.body.erreur).toContain('FORMULAIRE_DEUX_MOIS');
    const formForced = await t.admin('POST', '/admin/avis', { ...base, type: 'VERSION_FORMULAIRE', debut: '2027-01-10T00:00:00+01:00', force: true });
    expect(formForced.status).toBe(201);
    expect(formForced.body.preavisForce).toBe('FORMULAIRE_DEUX_MOIS');
    const certificate = await t.admin('POST', '/admin/avis', { ...base, type: 'CERTIFICAT', debut: '2026-12-04T12:00:00+01:00' });
    expect(certificate.status).toBe(409);
    expect(certificate.body.erreur).toContain('CERTIFICAT_QUINZE_JOURS_OUVRES');
    // Bad input names the field.
    const bad = await t.admin('POST', '/admin/avis', { ...base, type: 'PANNE' });
    expect(bad.status).toBe(400);
    expect(bad.body.erreur).toContain('type');
    const unknown = await t.admin('POST', '/admin/avis', { ...base, type: 'AUTRE', operateurs: ['OPA1', 'ZZZ9'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.erreur).toBe('operateurs : opérateur(s) ZZZ9 inconnu(s)');

    const published = await audit('AVIS_PUBLIE');
    expect(published.find((e: { details: { avis: string } }) => e.details.avis === formForced.body.reference)).toMatchObject({ agent: 'M. Martin', details: { preavisForce: 'FORMULAIRE_DEUX_MOIS' } });

    const listed = await cli('avis', 'lister');
    expect(listed.out).toContain('envoi par e-mail : oui');
    expect(listed.out).toContain(minor.body.reference);
    const byCli = await cli('avis', 'publier', '--type', 'AUTRE', '--titre', 'Information', '--texte', 'Le support change de numéro.', '--operateurs', 'OPB2', '--agent', 'M. Martin');
    expect(byCli.code).toBe(0);
    expect(byCli.out).toMatch(/publié : AV-\d{6} \(OPB2\)/);
    const withdrawn = await cli('avis', 'retirer', minor.body.reference, '--agent', 'M. Martin');
    expect(withdrawn.code).toBe(0);
    expect((await t.admin('GET', '/admin/avis')).body.avis.map((n: { reference: string }) => n.reference)).not.toContain(minor.body.reference);
    expect((await t.admin('GET', '/admin/avis?retires=true')).body.avis.find((n: { reference: string }) => n.reference === minor.body.reference).dateRetrait).not.toBeNull();
    expect((await audit('AVIS_RETIRE'))[0]).toMatchObject({ agent: 'M. Martin', details: { avis: minor.body.reference } });
  });

  test('the versions registered with their dates are announced once: the catalogue\'s next form version', async () => {
    const forms = (await t.admin('GET', '/admin/avis?limite=500')).body.avis.filter((n: { type: string; auteur: string }) => n.type === 'VERSION_FORMULAIRE' && n.auteur === 'e-SAV');
    expect(forms).toHaveLength(1);
    expect(forms[0]).toMatchObject({ operateurs: null, titre: 'Formulaire FTTH_PASSIF version 2 à partir du 04/01/2027 à 00h00', debut: '2027-01-03T23:00:00.000Z' });
    // Less than two months ahead of the test's clock: published anyway (the catalogue says so),
    // marked as a forced notice period and audited under the gateway's name.
    expect(forms[0].preavisForce).toBe('FORMULAIRE_DEUX_MOIS');
    expect((await audit('AVIS_PUBLIE')).find((e: { details: { avis: string } }) => e.details.avis === forms[0].reference)).toMatchObject({
      agent: 'e-SAV',
      details: { preavisForce: 'FORMULAIRE_DEUX_MOIS' },
    });
    // Run again (another period, another process): nothing more.
    expect(await t.gateway.notices.service.versionNotices({ webServices: [], forms: [{ idFormulaire: 'FTTH_PASSIF', version: 2, production: new Date('2027-01-04T00:00:00+01:00') }] })).toEqual([]);
  });

  test('the provider certificate renewal notice is written once, 15 working days before expiry', async () => {
    const service = t.gateway.notices.service;
    const far = { role: 'serveur', fingerprint: 'a'.repeat(64), notAfter: new Date('2027-03-01T00:00:00+01:00') };
    expect(await service.certificateRenewal(far)).toBeUndefined();
    const due = { role: 'serveur', fingerprint: 'b'.repeat(64), notAfter: new Date('2026-12-10T00:00:00+01:00') };
    const written = await service.certificateRenewal(due);
    expect(written).toMatchObject({ kind: 'CERTIFICAT', operatorCodes: null, createdBy: 'e-SAV' });
    expect(await service.certificateRenewal(due)).toBeUndefined();
    // The scheduled job over the gateway's own certificates (valid for long: nothing written).
    await t.gateway.scheduler.runDue();
    const certificates = (await t.admin('GET', '/admin/avis?limite=500')).body.avis.filter((n: { type: string }) => n.type === 'CERTIFICAT');
    expect(certificates).toHaveLength(1);
    // The push notifications' client certificate, read from its PEM, announced under its role.
    const ca = createCertificateAuthority({ commonName: 'AC essai', notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2028-01-01T00:00:00Z') });
    const pushClient = issueClientCertificate(ca, { commonName: 'e-SAV gateway push', organization: 'Fournisseur', notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-12-11T00:00:00+01:00') });
    await certificateRenewalNotice(service, pushClient.certPem, 'client (notifications poussées)');
    await certificateRenewalNotice(service, pushClient.certPem, 'client (notifications poussées)');
    const after = (await t.admin('GET', '/admin/avis?limite=500')).body.avis.filter((n: { type: string }) => n.type === 'CERTIFICAT');
    expect(after).toHaveLength(2);
    expect(after.map((n: { titre: string }) => n.titre)).toContain('Renouvellement du certificat client (notifications poussées) d’e-SAV');
  });

  test('consulterAvis (SignalisationService v2, node-soap from the served WSDL over mTLS): the notices of the caller only', async () => {
    const client = await t.soapClient('OPB2', '/ws/v2/signalisation');
    client.addSoapHeader(enteteRequete('OPB2', { versionWS: '2' }));
    const [result] = await client.consulterAvisAsync({});
    const avis: Array<{ reference: string; type: string; titre: string; tousOperateurs: boolean; datePublication: string }> = result.avis ?? [];
    const all = (await t.admin('GET', '/admin/avis?limite=500')).body.avis as Array<{ reference: string; operateurs: string[] | null }>;
    const expected = all.filter((n) => n.operateurs === null || n.operateurs.includes('OPB2')).map((n) => n.reference);
    expect(avis.map((a) => a.reference)).toEqual(expected);
    expect(avis.some((a) => a.type === 'LIMITE_DEBIT' && a.titre.includes('10 requêtes'))).toBe(false);
    expect(avis.find((a) => a.type === 'TRAVAUX_ESAV')!.tousOperateurs).toBe(true);

    // The raw answer is valid against the published v2 schema (every optional part present).
    const raw = await rawPost(
      `${t.url}/ws/v2/signalisation`,
      t.tlsFor('OPB2'),
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete('OPB2', { versionWS: '2' })}</soapenv:Header><soapenv:Body><s:consulterAvis xmlns:s="urn:esav:signalisation:v2"/></soapenv:Body></soapenv:Envelope>`,
    );
    expect(raw.status).toBe(200);
    const schema = CompiledSchema.compile(path.join(XSD_DIR, 'v2', 'signalisation-v2.xsd'), XSD_DIR);
    const doc = XmlDocument.fromString(raw.body);
    try {
      const elements = (e: XmlElement) => {
        const out: XmlElement[] = [];
        for (let n = e.firstChild; n; n = n.next) if (n instanceof XmlElement) out.push(n);
        return out;
      };
      const [, body] = elements(doc.root);
      const [answer] = elements(body!);
      expect(answer!.name).toBe('consulterAvisReponse');
      expect(elements(answer!).length).toBe(avis.length);
      schema.validateElement(answer!);
    } finally {
      doc.dispose();
      schema.dispose();
    }

    const [since] = await client.consulterAvisAsync({ publiesDepuis: '2030-01-01T00:00:00+01:00' });
    // node-soap gives null for an empty answer element.
    expect(since?.avis ?? []).toEqual([]);
  });

  test('the support console publishes a notice (field messages, the rule named, forced), lists and withdraws it', async () => {
    const c = await signInConsole(t);
    const page = await c.get('/console/avis');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Les avis sont aussi envoyés par e-mail');
    const empty = await c.post('/console/avis', { _csrf: csrfOf(page.body), type: 'AUTRE', titre: '', texte: '', operateurs: 'x' });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatch(/id="avis-titre-erreur">Saisissez le titre/);
    expect(empty.body).toMatch(/id="avis-operateurs-erreur">Codes opérateurs/);
    const late = { _csrf: csrfOf(page.body), type: 'VERSION_FORMULAIRE', titre: 'Formulaire FTTH_ACTIVE v2', texte: 'Nouveaux champs.', operateurs: 'OPA1, OPB2', debut: '2026-12-15T00:00' };
    const refused = await c.post('/console/avis', late);
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('FORMULAIRE_DEUX_MOIS');
    const forced = await c.post('/console/avis', { ...late, forcer: 'oui' });
    expect(forced.status).toBe(200);
    const reference = /Avis (AV-\d{6}) publié\./.exec(forced.body)?.[1];
    expect(reference).toBeDefined();
    const created = (await t.admin('GET', '/admin/avis?limite=500')).body.avis.find((n: { reference: string }) => n.reference === reference);
    expect(created).toMatchObject({ operateurs: ['OPA1', 'OPB2'], preavisForce: 'FORMULAIRE_DEUX_MOIS', debut: '2026-12-14T23:00:00.000Z' });
    expect(created.auteur).not.toBe('e-SAV');
    const withdrawn = await c.post(`/console/avis/${reference}/retrait`, { _csrf: csrfOf(forced.body) });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toContain(`Avis ${reference} retiré.`);
  });

  test('v1 is unchanged: no consulterAvis in its WSDL or schema, and the operation is unknown there', async () => {
    // The published v1 contract, byte for byte (wsdl/v1, xsd/v1).
    expect(sha256('wsdl/v1/signalisation-v1.wsdl')).toBe(V1_WSDL_SHA256);
    expect(sha256('xsd/v1/signalisation-v1.xsd')).toBe(V1_XSD_SHA256);
    const client = await t.soapClient('OPA1', '/ws/v1/signalisation');
    expect(Object.keys(client.describe().SignalisationService.SignalisationPort)).not.toContain('consulterAvis');
    const answer = await rawPost(
      `${t.url}/ws/v1/signalisation`,
      t.tlsFor('OPA1'),
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete('OPA1')}</soapenv:Header><soapenv:Body><s:consulterAvis xmlns:s="urn:esav:signalisation:v1"/></soapenv:Body></soapenv:Envelope>`,
    );
    expect(answer.status).toBe(500);
    expect(answer.body).toContain('erreurESAV');
  });
});

// The v1 contract as published before the notices (the hashes of the files at the start of issue 15).
const V1_WSDL_SHA256 = '4c81434d5fc8321370cc1a87653985c77292f0a0d213282f4b4e670cadf70b49';
const V1_XSD_SHA256 = '6220f33f4a409105b1cca42d5d78c0aca28dad4daf12996e43603e19684b6579';
