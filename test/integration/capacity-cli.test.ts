// Technicians' capacity driven as support staff would (issue 14, decision 0018): the compiled
// command line (`npm run admin -- capacite …`) spawned as its own process against a gateway
// started here (real PostgreSQL), each change seen by the operator's real e-SAV slot search over
// mutual TLS (node-soap). Injected clock; children spawned asynchronously only (the gateway answers
// on this process's event loop).
import fs from 'node:fs';
import path from 'node:path';
import type soap from 'soap';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { SettableClock } from '../../src/domain/clock.js';
import { formatParisDateTime } from '../../src/domain/paris-calendar.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { runProcess, shellEnv } from '../support/spawn.js';

const describeDb = await describeWithPostgres();
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');
const AGENT = 'Hugo Petit (support N1)';
const asList = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

describeDb('capacity through the command line (spawned) → operators’ slot search', () => {
  let t: TestGateway;
  let clock: SettableClock;
  let opa: soap.Client;
  let reference: string;

  const env = (extra: Record<string, string> = {}) => shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_AGENT'], extra);
  const cli = (...args: string[]) => runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], env({ ESAV_AGENT: AGENT }));
  const cliNoAgent = (...args: string[]) => runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], env());

  async function ok(...args: string[]): Promise<string> {
    const run = await cli(...args);
    expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
    return run.stdout;
  }

  async function search(day: string, type = 'SAV'): Promise<string[]> {
    const [answer] = await opa.rechercherCreneauxAsync({
      referenceSignalisation: reference,
      typeRendezVous: type,
      periode: { debut: `${day}T00:00:00+01:00`, fin: `${day}T23:59:00+01:00` },
    });
    return asList<{ debut: Date }>(answer?.creneau).map((s) => formatParisDateTime(s.debut).slice(11, 16));
  }

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: dist/ is built by the jest global setup`);
    clock = new SettableClock('2026-11-02T10:00:00+01:00'); // a Monday
    t = await startTestGateway({ clock });
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await opa.deposerSignalisationAsync(depositArgs());
    reference = ack.referenceSignalisation;
  });
  afterAll(async () => {
    await t?.close();
  });

  test('capacite planning: list, replace (slots regenerated), add a line, delete; bad input exit 1 naming the field', async () => {
    expect(await ok('capacite', 'plannings', '--commune', '75056', '--type', 'EXPERTISE_CONTRADICTOIRE')).toMatch(/75056\s+EXPERTISE_CONTRADICTOIRE\s+2 mar\s+14:00-17:00\s+180 min\s+1\s+non/);
    expect(await search('2026-11-04', 'EXPERTISE_CONTRADICTOIRE')).toEqual([]);
    // A page of the list says how to ask for the next one.
    const page = await ok('capacite', 'plannings', '--limite', '2');
    const next = /\(suite : --apres (\d{5}\/[A-Z_]+\/\d\/\d\d:\d\d)\)/.exec(page)?.[1];
    expect(next).toBeDefined();
    const whole = JSON.parse(await ok('--json', 'capacite', 'plannings')).plannings;
    expect(JSON.parse(await ok('--json', 'capacite', 'plannings', '--limite', '2', '--apres', next!)).plannings).toEqual(whole.slice(2, 4));

    const replaced = await ok('capacite', 'planning', 'definir', '--commune', '75056', '--type', 'EXPERTISE_CONTRADICTOIRE', '--plage', '1-5 09:00-12:00 90 1');
    expect(replaced).toMatch(/75056\s+EXPERTISE_CONTRADICTOIRE\s+3 mer\s+09:00-12:00\s+90 min\s+1\s+non/);
    expect(replaced).toMatch(/créneaux régénérés \(75056\) : \d+ ajouté\(s\), \d+ retiré\(s\)/);
    expect(await search('2026-11-04', 'EXPERTISE_CONTRADICTOIRE')).toEqual(['09:00', '10:30']);
    expect(await search('2026-11-05', 'EXPERTISE_CONTRADICTOIRE')).toEqual(['09:00', '10:30']); // Thursday 14:00 gone

    await ok('capacite', 'planning', 'ajouter', '--commune', '75056', '--type', 'EXPERTISE_CONTRADICTOIRE', '--jour', '3', '--debut', '14:00', '--fin', '17:00', '--duree', '180', '--techniciens', '2');
    expect(await search('2026-11-04', 'EXPERTISE_CONTRADICTOIRE')).toEqual(['09:00', '10:30', '14:00']);
    await ok('capacite', 'planning', 'supprimer', '--commune', '75056', '--type', 'EXPERTISE_CONTRADICTOIRE', '--jour', '3', '--debut', '09:00');
    expect(await search('2026-11-04', 'EXPERTISE_CONTRADICTOIRE')).toEqual(['14:00']);

    const json = JSON.parse(await ok('--json', 'capacite', 'plannings', '--commune', '75056', '--type', 'EXPERTISE_CONTRADICTOIRE'));
    expect(json.plannings.map((p: { jour: number; debut: string; techniciens: number }) => `${p.jour} ${p.debut} ${p.techniciens}`)).toEqual(['1 09:00 1', '2 09:00 1', '3 14:00 2', '4 09:00 1', '5 09:00 1']);

    const bad = await cli('capacite', 'planning', 'definir', '--commune', '75056', '--type', 'EXPERTISE_CONTRADICTOIRE', '--plage', '1 08:00-09:00 90 1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/plages\[0\]\.dureeMinutes/);
    const noAgent = await cliNoAgent('capacite', 'planning', 'supprimer', '--commune', '75056', '--type', 'EXPERTISE_CONTRADICTOIRE');
    expect(noAgent.code).toBe(2);
    expect(noAgent.stderr).toMatch(/--agent/);
    // Nothing changed by the refusals.
    expect(JSON.parse(await ok('--json', 'capacite', 'plannings', '--commune', '75056', '--type', 'EXPERTISE_CONTRADICTOIRE'))).toEqual(json);
  }, 120_000);

  test('capacite fermeture / supplement / ferie round trips, seen by the search; capacite vue counts', async () => {
    expect(await search('2026-11-04')).toEqual(['08:00', '10:00', '14:00', '16:00']);
    const closed = await ok('capacite', 'fermeture', 'ajouter', '--perimetre', '75', '--du', '2026-11-04', '--au', '2026-11-04', '--motif', 'Intempéries');
    expect(closed).toMatch(/fermeture n° \d+ ajoutée/);
    expect(await search('2026-11-04')).toEqual([]);
    const closures = JSON.parse(await ok('--json', 'capacite', 'fermetures', '--commune', '75056'));
    expect(closures.fermetures).toEqual([expect.objectContaining({ perimetre: '75', type: null, motif: 'Intempéries', creePar: AGENT, conflits: [] })]);
    await ok('capacite', 'fermeture', 'supprimer', String(closures.fermetures[0].id));
    expect(await search('2026-11-04')).toEqual(['08:00', '10:00', '14:00', '16:00']);

    expect(await search('2026-11-07')).toEqual([]);
    const extra = await ok('capacite', 'supplement', 'ajouter', '--commune', '75056', '--type', 'SAV', '--jour', '2026-11-07', '--debut', '08:00', '--fin', '10:00', '--duree', '60', '--techniciens', '1', '--motif', 'Renfort');
    expect(extra).toMatch(/capacité supplémentaire n° \d+ ajoutée\ncréneaux régénérés \(75056\) : 2 ajouté\(s\), 0 retiré\(s\)/);
    expect(await search('2026-11-07')).toEqual(['08:00', '09:00']);
    expect(await ok('capacite', 'supplements', '--commune', '75056')).toMatch(/75056\s+SAV\s+2026-11-07\s+08:00-10:00\s+60 min\s+1\s+Renfort/);

    const day = await ok('capacite', 'ferie', 'ajouter', '--jour', '2026-11-06', '--libelle', 'Pont du 11 novembre');
    expect(day).toMatch(/jour non travaillé n° (\d+) : 2026-11-06 \(toutes les zones\)/);
    expect(await search('2026-11-06')).toEqual([]);
    expect(await ok('capacite', 'feries', '--annee', '2026', '--commune', '75056')).toMatch(/2026-11-06\s+FOURNISSEUR\s+toutes\s+Pont du 11 novembre/);

    const view = JSON.parse(await ok('--json', 'capacite', 'vue', '--commune', '75056', '--type', 'SAV', '--du', '2026-11-06', '--au', '2026-11-07'));
    expect(view.jours.map((d: { jour: string; ferie: string | null; capacite: number; libres: number }) => [d.jour, d.ferie, d.capacite, d.libres])).toEqual([
      ['2026-11-06', 'Pont du 11 novembre', 0, 0],
      ['2026-11-07', null, 2, 2],
    ]);
    expect(view.total).toEqual({ capacite: 2, reserves: 0, libres: 2, fermes: 0, horsCapacite: 0, conflits: 0 });
    const table = await ok('capacite', 'vue', '--commune', '75056', '--type', 'SAV', '--du', '2026-11-06', '--au', '2026-11-07');
    expect(table).toMatch(/JOUR\s+TYPE\s+CRÉNEAU\s+CAPACITÉ\s+RÉSERVÉS\s+LIBRES\s+FERMÉS\s+À TRAITER/);
    expect(table).toMatch(/2026-11-06\s+—\s+férié : Pont du 11 novembre/);
    expect(table).toMatch(/2026-11-07\s+SAV\s+08:00-09:00\s+1\s+0\s+1\s+0\s+0/);
    expect(table).toMatch(/total : capacité 2, réservés 0, libres 2, fermés 0/);

    const id = /n° (\d+)/.exec(day)![1]!;
    await ok('capacite', 'ferie', 'supprimer', id);
    expect(await search('2026-11-06')).toEqual(['08:00', '10:00', '14:00', '16:00']);

    const badClosure = await cli('capacite', 'fermeture', 'ajouter', '--du', '2026-11-04T12:00', '--au', '2026-11-04T08:00', '--motif', 'x');
    expect(badClosure.code).toBe(1);
    expect(badClosure.stderr).toMatch(/fin : doit suivre le début/);

    const actions = await t.db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE action LIKE 'CAPACITE_%' OR action LIKE 'JOUR_NON_%' ORDER BY id`);
    expect(new Set(actions.map((a) => a.actor))).toEqual(new Set([AGENT]));
    expect(actions).toHaveLength(8);
  }, 120_000);
});
