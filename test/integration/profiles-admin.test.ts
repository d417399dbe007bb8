// Profiles administered by support staff (issue 14), through the admin API and the command line
// (the compiled CLI spawned as its own process): create with known operation names only, change
// the operations granted (effective on an open mTLS connection at once), retire (refused while a
// certificate or a portal user uses it; then no longer bindable). Bad input is a 400 naming the
// field and changes nothing. The operators' life cycle through the CLI too (suspend, reactivate,
// terminate with the notice rule). Real PostgreSQL, real mTLS, demo data loaded.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { Socket } from 'node:net';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { SettableClock } from '../../src/domain/clock.js';
import { enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { parseFault } from '../support/faults.js';
import { describeWithPostgres } from '../support/postgres.js';
import { runProcess, shellEnv } from '../support/spawn.js';

const describeDb = await describeWithPostgres();
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');
const AGENT = 'Bruno Petit (support N1)';

const catalogueRequest = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete(code)}</soapenv:Header>` +
  '<soapenv:Body><sig:consulterCatalogue xmlns:sig="urn:esav:signalisation:v1"/></soapenv:Body></soapenv:Envelope>';

describeDb('profiles administration and the operator life cycle from the CLI (real database, real mTLS)', () => {
  let t: TestGateway;
  const agents: https.Agent[] = [];
  const clock = new SettableClock('2026-12-07T09:00:00Z');

  const cli = (...args: string[]) =>
    runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_AGENT']), 60_000);
  const profiles = async () => (await t.admin('GET', '/admin/profils')).body.profils as Array<{ nom: string; operations: string[]; etat: string }>;
  const audited = async (action: string) =>
    t.db.query<{ actor: string; details: Record<string, unknown> }>('SELECT actor, details FROM audit_log WHERE action = $1 ORDER BY id', [action]);

  function soap(agent: https.Agent, code: string): Promise<{ status: number; body: string; socket: Socket }> {
    return new Promise((resolve, reject) => {
      const request = https.request(`${t.url}/ws/v1/signalisation`, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socket: request.socket as Socket }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(catalogueRequest(code));
    });
  }

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: dist/ is built by the jest global setup`);
    t = await startTestGateway({ clock });
  }, 240_000);
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await t?.close();
  });

  test('bad input: 400 naming the field, nothing created', async () => {
    const before = await profiles();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ agent: AGENT, nom: 'lower', libelle: 'x', operations: ['consulterCatalogue'] }, 'nom'],
      [{ agent: AGENT, nom: 'P_BAD', libelle: 'x', operations: ['consulterCatalogue', 'consulterTout'] }, 'consulterTout'],
      [{ agent: AGENT, nom: 'P_BAD', libelle: 'x', operations: ['*', 'consulterCatalogue'] }, 'operations'],
      [{ agent: AGENT, nom: 'P_BAD', libelle: 'x', operations: [] }, 'operations'],
      [{ agent: AGENT, nom: 'P_BAD', operations: ['consulterCatalogue'] }, 'libelle'],
      [{ agent: AGENT, nom: 'P_BAD', libelle: 'x', operations: ['consulterCatalogue'], couleur: 'bleu' }, 'couleur'],
      [{ nom: 'P_BAD', libelle: 'x', operations: ['consulterCatalogue'] }, 'agent'],
    ];
    for (const [body, field] of cases) {
      const answer = await t.admin('POST', '/admin/profils', body);
      expect({ field, status: answer.status }).toEqual({ field, status: 400 });
      expect(answer.body.erreur).toContain(field);
    }
    expect(await profiles()).toEqual(before);
    // The operation names a profile may grant: those the gateway serves.
    const names = (await t.admin('GET', '/admin/profils/operations')).body.operations as string[];
    expect(names).toEqual(expect.arrayContaining(['consulterCatalogue', 'deposerSignalisation', 'demanderTest', 'reservationCreneau', 'getInfoTravauxFTTH']));
  });

  test('round trip: create, change (effective on the open connection at once), retire refused while in use, then accepted', async () => {
    const created = await t.admin('POST', '/admin/profils', { agent: AGENT, nom: 'SUIVI', libelle: 'Suivi seul', operations: ['listerSignalisations'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ nom: 'SUIVI', etat: 'EN_SERVICE', creePar: AGENT, certificatsUtilisant: 0, utilisateursPortailUtilisant: 0 });
    expect((await t.admin('POST', '/admin/profils', { agent: AGENT, nom: 'SUIVI', libelle: 'Encore', operations: ['consulterCatalogue'] })).status).toBe(409);

    // OPB2's certificate bound to it: consulterCatalogue not granted (fault 202) on a keep-alive connection.
    const [certificate] = (await t.admin('GET', '/admin/certificats?operateur=OPB2')).body.certificats;
    expect((await t.admin('POST', `/admin/certificats/${certificate.empreinte}/profil`, { agent: AGENT, profil: 'SUIVI' })).status).toBe(200);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ...t.tlsFor('OPB2'), checkServerIdentity: () => undefined });
    agents.push(agent);
    const refused = await soap(agent, 'OPB2');
    expect(parseFault(refused.body)).toMatchObject({ code: 202 });

    const changed = await t.admin('PATCH', '/admin/profils/SUIVI', { agent: AGENT, operations: ['listerSignalisations', 'consulterCatalogue'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ operations: ['listerSignalisations', 'consulterCatalogue'], certificatsUtilisant: 1 });
    const granted = await soap(agent, 'OPB2');
    expect(granted.status).toBe(200);
    expect(granted.socket).toBe(refused.socket);

    // Bad change: 400 naming the operation, nothing changes.
    const bad = await t.admin('PATCH', '/admin/profils/SUIVI', { agent: AGENT, operations: ['consulterCatalogue', 'piraterTout'] });
    expect(bad.status).toBe(400);
    expect(bad.body.erreur).toContain('piraterTout');
    expect((await t.admin('PATCH', '/admin/profils/SUIVI', { agent: AGENT })).status).toBe(400);
    expect((await t.admin('GET', '/admin/profils/SUIVI')).body.operations).toEqual(['listerSignalisations', 'consulterCatalogue']);

    // A portal user on it too: retire refused, naming both.
    expect((await t.admin('POST', '/admin/portail/utilisateurs', { agent: AGENT, operateur: 'OPB2', identifiant: 'opb2.suivi', nom: 'Suivi', profil: 'SUIVI' })).status).toBe(201);
    const inUse = await t.admin('POST', '/admin/profils/SUIVI/retrait', { agent: AGENT });
    expect(inUse.status).toBe(409);
    expect(inUse.body.erreur).toContain('1 certificat(s) non révoqué(s) et 1 utilisateur(s) du portail');
    expect((await t.admin('GET', '/admin/profils/SUIVI')).body.etat).toBe('EN_SERVICE');

    expect((await t.admin('POST', `/admin/certificats/${certificate.empreinte}/profil`, { agent: AGENT, profil: 'TOUT' })).status).toBe(200);
    expect((await t.admin('POST', '/admin/portail/utilisateurs/opb2.suivi/desactivation', { agent: AGENT })).status).toBe(200);
    const retired = await t.admin('POST', '/admin/profils/SUIVI/retrait', { agent: AGENT });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ etat: 'RETIRE', retirePar: AGENT });

    // No longer bindable, nor changeable.
    const bind = await t.admin('POST', `/admin/certificats/${certificate.empreinte}/profil`, { agent: AGENT, profil: 'SUIVI' });
    expect(bind.status).toBe(409);
    expect(bind.body.erreur).toContain('retiré');
    expect((await t.admin('POST', '/admin/portail/utilisateurs', { agent: AGENT, operateur: 'OPB2', identifiant: 'opb2.autre', nom: 'Autre', profil: 'SUIVI' })).status).toBe(400);
    expect((await t.admin('PATCH', '/admin/profils/SUIVI', { agent: AGENT, libelle: 'Nouveau' })).status).toBe(409);
    expect((await t.admin('POST', '/admin/profils/SUIVI/retrait', { agent: AGENT })).status).toBe(409);
    expect((await t.admin('GET', '/admin/profils/INCONNU')).status).toBe(404);

    expect((await audited('PROFIL_CREE')).find((e) => e.details.profil === 'SUIVI')).toMatchObject({ actor: AGENT, details: { operations: ['listerSignalisations'] } });
    expect((await audited('PROFIL_OPERATIONS_MODIFIEES')).at(-1)).toMatchObject({ actor: AGENT, details: { profil: 'SUIVI', ajoutees: ['consulterCatalogue'], retirees: [] } });
    expect(await audited('PROFIL_RETIRE')).toEqual([expect.objectContaining({ actor: AGENT, details: expect.objectContaining({ profil: 'SUIVI' }) })]);
  });

  test('CLI: profil creer, modifier, lister, voir, retirer; JSON output and exit codes', async () => {
    const created = await cli('profil', 'creer', 'DEPOT', '--libelle', 'Dépôt et suivi', '--operation', 'deposerSignalisation,consulterEtatSignalisation', '--agent', AGENT);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain('profil DEPOT créé');

    const unknown = await cli('profil', 'creer', 'DEPOT2', '--libelle', 'x', '--operation', 'deposerTout', '--agent', AGENT);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('deposerTout');
    const noAgent = await cli('profil', 'creer', 'DEPOT3', '--libelle', 'x', '--operation', 'deposerSignalisation');
    expect(noAgent.code).toBe(2);
    const noChange = await cli('profil', 'modifier', 'DEPOT', '--agent', AGENT);
    expect(noChange.code).toBe(2);

    const changed = await cli('--json', 'profil', 'modifier', 'DEPOT', '--operation', 'deposerSignalisation', '--operation', 'consulterCatalogue', '--agent', AGENT);
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toMatchObject({ nom: 'DEPOT', operations: ['deposerSignalisation', 'consulterCatalogue'] });

    const listed = await cli('profil', 'lister');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/DEPOT\s+Dépôt et suivi\s+deposerSignalisation, consulterCatalogue\s+EN_SERVICE/);
    expect(listed.stdout).toMatch(/SIGNALISATION_LECTURE\s+Signalisation en lecture seule\s+consulterCatalogue, consulterEtatSignalisation/);
    const shown = await cli('profil', 'voir', 'DEPOT');
    expect(shown.stdout).toMatch(/opérations\s+: deposerSignalisation, consulterCatalogue/);

    // In use by a demo certificate: refused (exit 1), then retired.
    const inUse = await cli('profil', 'retirer', 'TOUT', '--agent', AGENT);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toContain('utilisé par');
    const retired = await cli('profil', 'retirer', 'DEPOT', '--agent', AGENT);
    expect(retired).toMatchObject({ code: 0, stderr: '' });
    expect(retired.stdout).toContain('profil DEPOT retiré');
    const operations = await cli('--json', 'profil', 'operations');
    expect(JSON.parse(operations.stdout).operations).toContain('deposerSignalisation');
  });

  test('CLI: operateur suspendre, voir, reactiver, resilier (notice rule), exit codes', async () => {
    const suspended = await cli('operateur', 'suspendre', 'OPB2', '--motif', 'Incident de sécurité', '--agent', AGENT);
    expect(suspended).toMatchObject({ code: 0, stderr: '' });
    expect(suspended.stdout).toMatch(/OPB2 suspendu : SUSPENDU — suspendu le .* par Bruno Petit \(support N1\) : Incident de sécurité/);
    const shown = await cli('operateur', 'voir', 'OPB2');
    expect(shown.stdout).toMatch(/état\s+: SUSPENDU/);
    const listed = await cli('operateur', 'lister');
    expect(listed.stdout).toMatch(/OPB2\s+integration\s+SUSPENDU/);
    expect((await cli('operateur', 'suspendre', 'OPB2', '--motif', 'encore', '--agent', AGENT)).code).toBe(1);
    expect((await cli('operateur', 'suspendre', 'OPB2', '--agent', AGENT)).code).toBe(2);

    const reactivated = await cli('--json', 'operateur', 'reactiver', 'OPB2', '--agent', AGENT);
    expect(reactivated.code).toBe(0);
    expect(JSON.parse(reactivated.stdout).operateur).toMatchObject({ code: 'OPB2', etat: 'ACTIF', suspension: null });

    const early = await cli('operateur', 'resilier', 'OPB2', '--date', '2027-01-15', '--agent', AGENT);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('préavis de résiliation de deux mois');
    expect((await cli('operateur', 'resilier', 'OPB2', '--date', '15/01/2027', '--agent', AGENT)).code).toBe(2);
    const accepted = await cli('operateur', 'resilier', 'OPB2', '--date', '2027-03-01', '--motif', 'Fin de contrat', '--agent', AGENT);
    expect(accepted).toMatchObject({ code: 0, stderr: '' });
    expect(accepted.stdout).toContain('résiliation le 2027-03-01 (notifiée le 2026-12-07');
    const actions = JSON.parse((await cli('--json', 'audit', '--operateur', 'OPB2')).stdout).evenements.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(['OPERATEUR_RESILIATION_ENREGISTREE', 'RESILIATION_REFUSEE', 'OPERATEUR_REACTIVE', 'OPERATEUR_SUSPENDU']);
  });
});
