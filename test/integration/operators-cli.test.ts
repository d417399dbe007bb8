// Operators and certificates driven as a support engineer would (issue 6): the compiled command
// line spawned as its own process against a gateway started here (real PostgreSQL, real files,
// real mutual TLS). Onboard from the order form → issue from the operator's CSR → a real SOAP
// call with that certificate on a keep-alive connection → revoke → that open connection is
// closed and a new one refused, without restart. Children are spawned asynchronously only: the
// gateway answers on this process's event loop.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { SqlConformanceRunRepository } from '../../src/adapters/postgres/conformance-runs.js';
import { enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { parseFault } from '../support/faults.js';
import { DAY, HOUR, makeCertificate, makeCsr, makeIntermediate, makeRoot } from '../support/operator-pki.js';
import { describeWithPostgres } from '../support/postgres.js';
import { runProcess, shellEnv, type ProcessRun } from '../support/spawn.js';

const describeDb = await describeWithPostgres();
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');
const AGENT = 'Alice Martin (support N2)';

type Run = ProcessRun;

/** The environment of a user's shell, without what would change the CLI's defaults. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_AGENT', 'ESAV_PKCS12_PASSWORD'], extra);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv(), timeoutMs = 60_000): Promise<Run> {
  return runProcess(command, args, env, timeoutMs);
}

type ClientCredentials = { key: string | Buffer; cert: string | Buffer } | { pfx: Buffer; passphrase: string };

interface SoapAnswer {
  status: number;
  body: string;
  socket: Socket;
}

const catalogueRequest = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete(code)}</soapenv:Header>` +
  '<soapenv:Body><sig:consulterCatalogue xmlns:sig="urn:esav:signalisation:v1"/></soapenv:Body></soapenv:Envelope>';

const depositRequest = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete(code)}</soapenv:Header>` +
  '<soapenv:Body><sig:deposerSignalisation xmlns:sig="urn:esav:signalisation:v1"><sig:offre>FTTH_PASSIF</sig:offre><sig:identifiantPrestation>FI-9999-0001</sig:identifiantPrestation>' +
  '<sig:formulaire><sig:idFormulaire>FTTH_PASSIF</sig:idFormulaire><sig:version>1</sig:version></sig:formulaire><sig:defautDeclare>INTERRUPTION_TOTALE</sig:defautDeclare>' +
  '<sig:impact>TOTAL</sig:impact><sig:referenceInterneOC>OC-1</sig:referenceInterneOC><sig:contactSite><sig:nom>A</sig:nom><sig:telephone>0612345678</sig:telephone></sig:contactSite>' +
  '<sig:contactOC><sig:nom>B</sig:nom><sig:telephone>0100000000</sig:telephone></sig:contactOC></sig:deposerSignalisation></soapenv:Body></soapenv:Envelope>';

describeDb('operators and certificates through the command line (spawned, real database, real files)', () => {
  let t: TestGateway;
  let dir: string;
  let caPem: Buffer;
  const agents: https.Agent[] = [];

  const cli = (...args: string[]) => run(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args]);
  const file = (name: string) => path.join(dir, name);

  /** A keep-alive agent holding at most one connection: the same TLS socket is reused. */
  function keepAliveAgent(credentials: ClientCredentials): https.Agent {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: caPem, ...credentials, checkServerIdentity: () => undefined });
    agents.push(agent);
    return agent;
  }

  function soap(agent: https.Agent | false, body: string, credentials?: ClientCredentials): Promise<SoapAnswer> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        `${t.url}/ws/v1/signalisation`,
        { method: 'POST', agent, ...(agent === false ? { ca: caPem, ...credentials, checkServerIdentity: () => undefined } : {}), headers: { 'content-type': 'text/xml; charset=utf-8' } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socket: request.socket as Socket }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

  /** Onboards an operator with the given code and a valid order form, through the CLI. */
  async function onboard(code: string, siret: string): Promise<void> {
    const result = await cli(
      'operateur', 'creer', '--agent', AGENT, '--code', code, '--contrat', `CG2026-${code}-ESAV`, '--affaire', `AFF-${code}`,
      '--raison-sociale', `Opérateur ${code}`, '--siret', siret, '--representant', 'Jeanne Dupont', '--telephone', '01 23 45 67 89',
      '--email', `contact@${code.toLowerCase()}.example`, '--adresse', '1 rue de la Fibre', '--adresse', '75002 Paris', '--acces', 'INTEGRE',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
  }

  async function issueFromCsr(code: string, profile: string, extra: string[] = []): Promise<{ key: string; cert: string; fingerprint: string; stdout: string }> {
    const { csrPem, keyPem } = makeCsr(`${code} poste 1`);
    const csrFile = file(`${code}-${Date.now()}.csr`);
    const certFile = `${csrFile}.crt`;
    fs.writeFileSync(csrFile, csrPem);
    const result = await cli('certificat', 'emettre', '--operateur', code, '--profil', profile, '--csr', csrFile, '--sortie', certFile, '--agent', AGENT, ...extra);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const fingerprint = /empreinte SHA-256 : ([0-9a-f]{64})/.exec(result.stdout)?.[1];
    expect(fingerprint).toBeDefined();
    return { key: keyPem, cert: fs.readFileSync(certFile, 'utf8'), fingerprint: fingerprint!, stdout: result.stdout };
  }

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: dist/ is built by the jest global setup`);
    t = await startTestGateway();
    caPem = Buffer.from(t.gateway.devPki!.ca.certPem);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-operators-cli-'));
  }, 240_000);
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('onboard → issue from CSR → SOAP call over mTLS → revoke: the open connection is closed, a new one refused, no restart', async () => {
    // The order form from a real file, completed by options.
    fs.writeFileSync(
      file('bon-de-commande.yaml'),
      [
        'codeOperateur: OPX1',
        'referenceContrat: CG2026-0042-ESAV',
        'numeroAffaire: AFF-2026-118',
        'raisonSociale: Fibre Express SAS',
        'siret: "73282932000074"',
        'representant: Jeanne Dupont',
        'telephone: 01 23 45 67 89',
        'email: direction@fibre-express.example',
        'adresse:',
        '  - 12 rue des Réseaux',
        '  - Bâtiment B',
        '  - 69002 Lyon',
        'contactEsav:',
        '  nom: Paul Martin',
        '  fonction: Responsable SAV',
        '  telephone: "+33472000000"',
        '  email: sav@fibre-express.example',
        'acces: LES_DEUX',
      ].join('\n'),
    );
    const created = await cli('operateur', 'creer', '--fichier', file('bon-de-commande.yaml'), '--commentaires', 'Démarrage en janvier', '--agent', AGENT);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^opérateur OPX1 créé \(plateforme integration\)/);
    expect(created.stdout).toMatch(/contact e-SAV\s+: Paul Martin \(Responsable SAV\) \+33472000000 sav@fibre-express.example/);
    expect(created.stdout).toMatch(/adresse\s+: 12 rue des Réseaux \/ Bâtiment B \/ 69002 Lyon/);

    const again = await cli('operateur', 'creer', '--fichier', file('bon-de-commande.yaml'), '--siret', '40483304800022', '--agent', AGENT);
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'refusé : code opérateur OPX1 déjà attribué (Fibre Express SAS)\n' });
    const sameSiret = await cli('operateur', 'creer', '--fichier', file('bon-de-commande.yaml'), '--code', 'OPX2', '--agent', AGENT);
    expect(sameSiret).toEqual({ code: 1, stdout: '', stderr: 'refusé : SIRET 73282932000074 déjà enregistré pour l’opérateur OPX1\n' });

    // Issue from the operator's CSR: the private key stays here (the "operator" side).
    const { key, cert, fingerprint } = await issueFromCsr('OPX1', 'SIGNALISATION_COMPLET');
    expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----/);

    // A real SOAP call on a keep-alive connection.
    const agent = keepAliveAgent({ key, cert });
    const first = await soap(agent, catalogueRequest('OPX1'));
    expect(first.status).toBe(200);
    expect(first.body).toContain('consulterCatalogueReponse');
    const second = await soap(agent, catalogueRequest('OPX1'));
    expect(second.status).toBe(200);
    expect(second.socket).toBe(first.socket); // the same connection, kept alive
    const socket = first.socket;
    expect(socket.destroyed).toBe(false);

    const revoked = await cli('certificat', 'revoquer', fingerprint.slice(0, 12), '--motif', 'Poste compromis', '--agent', AGENT);
    expect(revoked).toEqual({ code: 0, stdout: `certificat ${fingerprint} de OPX1 révoqué (1 connexion(s) ouverte(s) fermée(s))\n`, stderr: '' });
    await closed(socket);

    // A new connection with the same certificate is refused at the handshake.
    await expect(soap(false, catalogueRequest('OPX1'), { key, cert })).rejects.toThrow();
    expect(t.logs.some((l) => l.includes('"reason":"client certificate revoked"'))).toBe(true);

    const shown = await cli('certificat', 'voir', fingerprint);
    const pem = await cli('certificat', 'voir', fingerprint, '--pem');
    expect(pem.stdout).toBe(`${cert.trimEnd()}\n`);
    expect(shown.stdout).toMatch(new RegExp(`état\\s+: REVOQUE le .* par ${AGENT.replace(/[()]/g, '\\$&')} : Poste compromis`));
    const audit = await cli('audit', '--operateur', 'OPX1');
    expect(audit.code).toBe(0);
    const lines = audit.stdout.split('\n');
    expect(lines[0]).toMatch(/^DATE\s+AGENT\s+ACTION\s+OPÉRATEUR\s+CERTIFICAT\s+DÉTAILS$/);
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-.*\\s+${AGENT.replace(/[()]/g, '\\$&')}\\s+CERTIFICAT_REVOQUE\\s+OPX1\\s+${fingerprint.slice(0, 16)}\\s+\\{"motif":"Poste compromis"\\}`));
    expect(audit.stdout).toMatch(/CERTIFICAT_EMIS\s+OPX1/);
    expect(audit.stdout).toMatch(/OPERATEUR_CREE\s+OPX1/);
    const json = JSON.parse((await cli('--json', 'audit', '--certificat', fingerprint)).stdout) as { evenements: Array<{ action: string; agent: string; certificat: string }> };
    expect(json.evenements.map((e) => e.action)).toEqual(['CERTIFICAT_REVOQUE', 'CERTIFICAT_EMIS']);
    expect(json.evenements.every((e) => e.agent === AGENT && e.certificat === fingerprint)).toBe(true);
  });

  test('the order form: every mistake reported at once, SIRET Luhn key, no agent → usage error', async () => {
    const bad = await cli('operateur', 'creer', '--agent', AGENT, '--code', 'ab1', '--contrat', 'CG2026', '--siret', '73282932000075', '--telephone', '12', '--email', 'pas-un-mail', '--adresse', 'a', '--adresse', 'b', '--adresse', 'c', '--adresse', 'd');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    for (const message of [
      /^bon de commande refusé \(\d+ erreur\(s\)\) :/,
      /Code opérateur \(codeOperateur\) : 4 caractères parmi A-Z et 0-9 attendus, reçu « ab1 »/,
      /Référence du contrat \(referenceContrat\) : format <REF CG>-ESAV attendu/,
      /Numéro d’affaire \(numeroAffaire\) : obligatoire/,
      /Raison sociale \(raisonSociale\) : obligatoire/,
      /SIRET \(siret\) : clé de contrôle invalide/,
      /Représentant \(representant\) : obligatoire/,
      /Téléphone \(telephone\) : numéro invalide « 12 »/,
      /E-mail \(email\) : adresse e-mail invalide « pas-un-mail »/,
      /Adresse postale \(adresse\) : 3 lignes au plus, reçu 4/,
      /Accès demandé \(acces\) : obligatoire/,
    ]) {
      expect(bad.stderr).toMatch(message);
    }
    const noAgent = await cli('operateur', 'creer', '--code', 'OPX9');
    expect(noAgent).toEqual({ code: 2, stdout: '', stderr: 'nom de l’agent du support requis pour le journal d’audit : --agent <nom> ou ESAV_AGENT\n' });
    const unreadable = await cli('operateur', 'creer', '--fichier', file('absent.yaml'), '--agent', AGENT);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/--fichier .*absent\.yaml : fichier illisible \(ENOENT\)/);
  });

  test('PKCS#12 issuance: the .p12 (mode 0600) opens with its password in a TLS client and calls the gateway', async () => {
    await onboard('OPP2', '40483304800022');
    fs.writeFileSync(file('p12-password.txt'), 'correct horse battery staple\n');
    const p12 = file('OPP2.p12');
    const issued = await cli('certificat', 'emettre', '--operateur', 'OPP2', '--profil', 'TOUT', '--pkcs12', p12, '--mot-de-passe-fichier', file('p12-password.txt'), '--validite-jours', '30', '--agent', AGENT);
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    expect(issued.stdout).toContain(`PKCS#12 (clé privée + certificat + AC) : ${p12}`);
    expect(issued.stdout).not.toContain('mot de passe du PKCS#12');
    expect(fs.statSync(p12).mode & 0o777).toBe(0o600);
    const answer = await soap(false, catalogueRequest('OPP2'), { pfx: fs.readFileSync(p12), passphrase: 'correct horse battery staple' });
    expect(answer.status).toBe(200);

    // Without a password given: one is generated and printed once.
    const generated = await cli('certificat', 'emettre', '--operateur', 'OPP2', '--profil', 'TOUT', '--pkcs12', file('OPP2-b.p12'), '--agent', AGENT);
    expect(generated.code).toBe(0);
    const password = /mot de passe du PKCS#12 \(à transmettre par un autre canal, non conservé\) : (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toHaveLength(24);
    expect((await soap(false, catalogueRequest('OPP2'), { pfx: fs.readFileSync(file('OPP2-b.p12')), passphrase: password! })).status).toBe(200);

    // An existing file is never overwritten; a short password is refused.
    const exists = await cli('certificat', 'emettre', '--operateur', 'OPP2', '--profil', 'TOUT', '--pkcs12', p12, '--agent', AGENT);
    expect(exists.code).toBe(2);
    expect(exists.stderr).toMatch(/le fichier existe déjà/);
    fs.writeFileSync(file('short.txt'), 'court\n');
    const short = await cli('certificat', 'emettre', '--operateur', 'OPP2', '--profil', 'TOUT', '--pkcs12', file('x.p12'), '--mot-de-passe-fichier', file('short.txt'), '--agent', AGENT);
    expect(short).toMatchObject({ code: 1, stderr: 'requête invalide : mot de passe du PKCS#12 trop court (12 caractères au moins)\n' });
    expect(fs.existsSync(file('x.p12'))).toBe(false);
  });

  test('a CA recognised at run time (no restart); its certificates checked at registration: expired, not yet valid, usage, weak key, untrusted chain refused', async () => {
    await onboard('OPE3', '55210055400013');
    const root = makeRoot('AC Partenaire Racine');
    const intermediate = makeIntermediate(root, 'AC Partenaire Clients');
    fs.writeFileSync(file('root.pem'), root.certPem);
    const good = makeCertificate(intermediate, { commonName: 'OPE3 client' });
    fs.writeFileSync(file('good.pem'), `${good.certPem}${intermediate.certPem}`);

    // Not recognised yet: refused at registration, and the TLS layer refuses it too.
    const early = await cli('certificat', 'enregistrer', '--operateur', 'OPE3', '--profil', 'TOUT', '--fichier', file('good.pem'), '--agent', AGENT);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/chaîne de confiance : l’émetteur « CN=AC Partenaire Racine, O=AC Externe Test » n’est pas une AC reconnue/);
    const clientChain = `${good.certPem}${intermediate.certPem}`;
    await expect(soap(false, catalogueRequest('OPE3'), { key: good.keyPem, cert: clientChain })).rejects.toThrow();

    const added = await cli('ac', 'ajouter', '--fichier', file('root.pem'), '--agent', AGENT);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(/^AC reconnue : CN=AC Partenaire Racine/);
    const list = await cli('ac', 'lister');
    expect(list.stdout).toMatch(/CONFIGURATION\s+oui\s+\S+\s+CN=e-SAV Development CA/);
    expect(list.stdout).toMatch(/AJOUTEE\s+non\s+\S+\s+CN=AC Partenaire Racine/);

    const registered = await cli('certificat', 'enregistrer', '--operateur', 'OPE3', '--profil', 'TOUT', '--fichier', file('good.pem'), '--agent', AGENT);
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);
    expect(registered.stdout).toMatch(/^certificat enregistré pour OPE3 \(profil TOUT, AC_RECONNUE\)/);
    expect(registered.stdout).toMatch(/AVERTISSEMENT : le client doit présenter le certificat intermédiaire « CN=AC Partenaire Clients/);
    // The gateway accepts it at once: trust reloaded with setSecureContext, no restart.
    expect((await soap(false, catalogueRequest('OPE3'), { key: good.keyPem, cert: clientChain })).status).toBe(200);

    const now = Date.now();
    const cases: Array<[string, Parameters<typeof makeCertificate>[1], RegExp, boolean?]> = [
      ['expired', { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) }, /certificat expiré depuis le \d{4}-/],
      ['not-yet-valid', { notBefore: new Date(now + DAY), notAfter: new Date(now + 30 * DAY) }, /certificat pas encore valide : valide à partir du \d{4}-/],
      ['server-usage', { eku: ['serverAuth'] }, /usage de clé : extendedKeyUsage ne contient pas clientAuth \(trouvé : serverAuth\)/],
      ['rsa-1024', { rsaBits: 1024 }, /clé trop faible : RSA 1024 bits \(2048 bits au moins\)/],
      ['untrusted', {}, /chaîne de confiance : l’émetteur « CN=AC Inconnue, O=AC Externe Test » n’est pas une AC reconnue/, true],
    ];
    const unknownRoot = makeRoot('AC Inconnue');
    // Independent refusals: spawned together.
    const outcomes = await Promise.all(
      cases.map(async ([name, options, , untrusted]) => {
        const certificate = makeCertificate(untrusted ? unknownRoot : intermediate, { commonName: `OPE3 ${name}`, ...options });
        fs.writeFileSync(file(`${name}.pem`), `${certificate.certPem}${untrusted ? '' : intermediate.certPem}`);
        return cli('certificat', 'enregistrer', '--operateur', 'OPE3', '--profil', 'TOUT', '--fichier', file(`${name}.pem`), '--agent', AGENT);
      }),
    );
    cases.forEach(([name, , message], i) => {
      const refused = outcomes[i]!;
      expect({ name, code: refused.code, stdout: refused.stdout }).toEqual({ name, code: 1, stdout: '' });
      expect(refused.stderr).toMatch(new RegExp(`^refusé : certificat CN=OPE3 ${name}, O=AC Externe Test non enregistrable :\\n  - `));
      expect(refused.stderr).toMatch(message);
    });
    const refusals = JSON.parse((await cli('--json', 'audit', '--operateur', 'OPE3')).stdout).evenements.filter((e: { action: string }) => e.action === 'ENREGISTREMENT_REFUSE');
    expect(refusals).toHaveLength(cases.length + 1);

    // Withdrawing the CA closes the connections that depend on it and refuses new ones.
    const agent = keepAliveAgent({ key: good.keyPem, cert: clientChain });
    const open = await soap(agent, catalogueRequest('OPE3'));
    expect(open.status).toBe(200);
    const authorities = JSON.parse((await cli('--json', 'ac', 'lister')).stdout).autorites as Array<{ sujet: string; empreinte: string }>;
    const fingerprint = authorities.find((a) => a.sujet.startsWith('CN=AC Partenaire Racine'))!.empreinte;
    const withdrawn = await cli('ac', 'retirer', fingerprint, '--agent', AGENT);
    expect(withdrawn).toMatchObject({ code: 0, stdout: 'AC retirée : CN=AC Partenaire Racine, O=AC Externe Test\n' });
    await closed(open.socket);
    await expect(soap(false, catalogueRequest('OPE3'), { key: good.keyPem, cert: clientChain })).rejects.toThrow();
  });

  test('renewal: due 15 working days before expiry, the successor valid alongside; a switch asked within 30 days warns', async () => {
    await onboard('OPR4', '82355475300017');
    // 20 calendar days of validity: inside the 15 working days before expiry.
    const old = await issueFromCsr('OPR4', 'SIGNALISATION_LECTURE', ['--validite-jours', '20']);
    const due = await cli('certificat', 'renouvellements');
    expect(due.code).toBe(0);
    expect(due.stdout.split('\n')[0]).toMatch(/^ÉCHÉANCE\s+EXPIRATION\s+ÉCHU\s+EMPREINTE\s+OPÉRATEUR\s+PROFIL\s+ORIGINE$/);
    expect(due.stdout).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\d\\s+\\d{4}-\\d\\d-\\d\\d\\s+oui\\s+${old.fingerprint.slice(0, 16)}\\s+OPR4\\s+SIGNALISATION_LECTURE\\s+FOURNISSEUR`));
    // The demo certificates (2 years) are not due.
    expect(due.stdout).not.toMatch(/OPA1/);

    const { csrPem, keyPem } = makeCsr('OPR4 poste 2');
    fs.writeFileSync(file('OPR4-renew.csr'), csrPem);
    const renewed = await cli('certificat', 'renouveler', old.fingerprint, '--csr', file('OPR4-renew.csr'), '--sortie', file('OPR4-renew.crt'), '--agent', AGENT);
    expect(renewed.stderr).toBe('');
    expect(renewed.code).toBe(0);
    expect(renewed.stdout).toMatch(/certificat émis pour OPR4 \(profil SIGNALISATION_LECTURE\)/);
    expect(renewed.stdout).toContain(`renouvelle        : ${old.fingerprint}`);
    // Both are valid during the overlap.
    expect((await soap(false, catalogueRequest('OPR4'), { key: old.key, cert: old.cert })).status).toBe(200);
    expect((await soap(false, catalogueRequest('OPR4'), { key: keyPem, cert: fs.readFileSync(file('OPR4-renew.crt')) })).status).toBe(200);
    expect((await cli('certificat', 'renouvellements')).stdout).not.toContain(old.fingerprint.slice(0, 16));
    const twice = await cli('certificat', 'renouveler', old.fingerprint, '--csr', file('OPR4-renew.csr'), '--agent', AGENT);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/a déjà un successeur/);

    // A switch to a CA-issued certificate asked now, 20 days before the provider certificate
    // expires: registered, with the warning (and audited).
    const root = makeRoot('AC Bascule');
    fs.writeFileSync(file('bascule-root.pem'), root.certPem);
    expect((await cli('ac', 'ajouter', '--fichier', file('bascule-root.pem'), '--agent', AGENT)).code).toBe(0);
    const external = makeCertificate(root, { commonName: 'OPR4 AC' });
    fs.writeFileSync(file('OPR4-external.pem'), external.certPem);
    // The successor expires in a year: the switch notice is judged on the certificate in use that expires last.
    const late = await cli('certificat', 'enregistrer', '--operateur', 'OPR4', '--profil', 'SIGNALISATION_LECTURE', '--fichier', file('OPR4-external.pem'), '--agent', AGENT);
    expect(late.code).toBe(0);
    expect(late.stdout).not.toMatch(/AVERTISSEMENT/);

    await onboard('OPS5', '44306184100047');
    await issueFromCsr('OPS5', 'TOUT', ['--validite-jours', '20']);
    // Asked in time (the operator's request dated 25 days earlier, 45 days before expiry): no warning.
    const inTime = makeCertificate(root, { commonName: 'OPS5 AC 1', notAfter: new Date(Date.now() + 10 * DAY) });
    fs.writeFileSync(file('OPS5-in-time.pem'), inTime.certPem);
    const asked = new Date(Date.now() - 25 * DAY).toISOString().slice(0, 10);
    const early = await cli('certificat', 'enregistrer', '--operateur', 'OPS5', '--profil', 'TOUT', '--fichier', file('OPS5-in-time.pem'), '--demande-le', asked, '--agent', AGENT);
    expect(early.code).toBe(0);
    expect(early.stdout).not.toMatch(/AVERTISSEMENT/);
    // Asked now, 20 days before the provider certificate in use expires: registered, with the warning (audited).
    const externalS = makeCertificate(root, { commonName: 'OPS5 AC 2' });
    fs.writeFileSync(file('OPS5-external.pem'), externalS.certPem);
    const switched = await cli('certificat', 'enregistrer', '--operateur', 'OPS5', '--profil', 'TOUT', '--fichier', file('OPS5-external.pem'), '--agent', AGENT);
    expect(switched.code).toBe(0);
    expect(switched.stdout).toMatch(/AVERTISSEMENT : changement certificat du fournisseur → certificat d’une AC reconnue demandé 1\d jour\(s\) avant l’expiration du certificat actuel .* le contrat demande 30 jours calendaires de préavis/);
    const audited = JSON.parse((await cli('--json', 'audit', '--operateur', 'OPS5', '--limite', '1')).stdout).evenements[0];
    expect(audited).toMatchObject({ action: 'CERTIFICAT_ENREGISTRE', agent: AGENT, details: { origine: 'AC_RECONNUE', avertissements: [expect.stringMatching(/préavis/)] } });
  });

  test('binding to another profile takes effect on the open connection (202); promotion refused, then allowed', async () => {
    await onboard('OPQ6', '38012986648328');
    const { key, cert, fingerprint } = await issueFromCsr('OPQ6', 'SIGNALISATION_COMPLET');
    const agent = keepAliveAgent({ key, cert });
    const before = await soap(agent, depositRequest('OPQ6'));
    expect(parseFault(before.body).code).toBe(300); // allowed: a business answer (unknown prestation)
    const rebound = await cli('certificat', 'profil', fingerprint, 'SIGNALISATION_LECTURE', '--agent', AGENT);
    expect(rebound).toEqual({ code: 0, stdout: `certificat ${fingerprint} de OPQ6 : profil SIGNALISATION_LECTURE\n`, stderr: '' });
    const after = await soap(agent, depositRequest('OPQ6'));
    expect(after.socket).toBe(before.socket); // same connection, identity looked up again
    expect(parseFault(after.body)).toMatchObject({ code: 202, libelle: expect.stringMatching(/deposerSignalisation non autorisée par le profil SIGNALISATION_LECTURE/) });

    const refused = await cli('operateur', 'promouvoir', 'OPQ6', '--domaine', 'signalisation', '--domaine', 'test', '--agent', AGENT);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: 'refusé : promotion de OPQ6 en production impossible, aucune recette réussie sur la plateforme d’intégration pour : signalisation, test (domaines validés : aucun)\n',
    });
    const runs = new SqlConformanceRunRepository(t.db);
    const run = (domains: Array<'signalisation' | 'test'>, passed: boolean, platform: 'integration' | 'production' = 'integration') =>
      runs.record({
        operatorCode: 'OPQ6',
        platform,
        domains,
        passedDomains: passed ? domains : [],
        passed,
        startedAt: new Date(Date.now() - HOUR),
        finishedAt: new Date(),
        certificateFingerprint: fingerprint,
        reportJunit: null,
        reportHtml: null,
      });
    await run(['test'], false);
    await run(['signalisation'], true);
    await run(['test'], true, 'production'); // not on the integration platform: does not count
    const partly = await cli('operateur', 'promouvoir', 'OPQ6', '--domaine', 'signalisation,test', '--agent', AGENT);
    expect(partly.code).toBe(1);
    expect(partly.stderr).toMatch(/pour : test \(domaines validés : signalisation\)/);
    expect((await cli('operateur', 'voir', 'OPQ6')).stdout).toMatch(/plateforme\s+: integration\n/);

    await run(['test'], true);
    const promoted = await cli('operateur', 'promouvoir', 'OPQ6', '--domaine', 'signalisation', '--domaine', 'test', '--agent', AGENT);
    expect(promoted).toEqual({ code: 0, stdout: 'OPQ6 promu en production (signalisation, test)\n', stderr: '' });
    const shown = await cli('operateur', 'voir', 'OPQ6');
    expect(shown.stdout).toMatch(new RegExp(`plateforme\\s+: production \\(promu le .* par ${AGENT.replace(/[()]/g, '\\$&')} : signalisation, test\\)`));
    expect(shown.stdout).toMatch(/recette réussie\s+: signalisation, test/);
    const actions = JSON.parse((await cli('--json', 'audit', '--operateur', 'OPQ6')).stdout).evenements.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(['PROMOTION_PRODUCTION', 'PROMOTION_REFUSEE', 'PROMOTION_REFUSEE', 'PROFIL_MODIFIE']);
  });

  test('usage: help lists the commands; lists and details', async () => {
    const [help, sub, profiles, operators, certificates, unknown, unknownOperator, badProfile] = await Promise.all([
      run(process.execPath, [CLI, '--help']),
      run(process.execPath, [CLI, 'certificat', '--help']),
      cli('profil', 'lister'),
      cli('operateur', 'lister'),
      cli('certificat', 'lister', '--operateur', 'OPA1'),
      cli('certificat', 'voir', 'abcdef0123456789'),
      cli('certificat', 'emettre', '--operateur', 'ZZZ9', '--profil', 'TOUT', '--pkcs12', file('zzz.p12'), '--agent', AGENT),
      cli('certificat', 'emettre', '--operateur', 'OPA1', '--profil', 'ROOT', '--pkcs12', file('root.p12'), '--agent', AGENT),
    ]);
    for (const word of ['operateur', 'certificat', 'ac', 'profil', 'audit']) expect(help.stdout).toContain(word);
    for (const word of ['emettre', 'enregistrer', 'lister', 'voir', 'revoquer', 'profil', 'renouvellements', 'renouveler']) expect(sub.stdout).toContain(word);

    expect(profiles.stdout).toMatch(/SIGNALISATION_LECTURE\s+Signalisation en lecture seule\s+consulterCatalogue, consulterEtatSignalisation/);
    expect(profiles.stdout).toMatch(/TOUT\s+Toutes les opérations\s+\*/);
    expect(operators.stdout).toMatch(/^CODE\s+PLATEFORME\s+ÉTAT\s+CERTIFICATS\s+SIRET\s+RAISON SOCIALE\n/);
    expect(operators.stdout).toMatch(/OPA1\s+integration\s+ACTIF\s+1\s+10000000900017/);
    expect(certificates.stdout).toMatch(/OPA1\s+TOUT\s+ACTIF\s+FOURNISSEUR/);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'certificat abcdef0123456789… inconnu\n' });
    expect(unknownOperator).toEqual({ code: 1, stdout: '', stderr: 'opérateur ZZZ9 inconnu\n' });
    expect(badProfile.code).toBe(1);
    expect(badProfile.stderr).toMatch(/profil ROOT inconnu \(parmi : RENDEZVOUS, SIGNALISATION_COMPLET, SIGNALISATION_LECTURE, TEST, TOUT\)/);
  });
});
