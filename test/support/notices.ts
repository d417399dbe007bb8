// What the notices' tests share (issue 15, decision 0022): the operators' addresses and the
// withdrawal of the automatic notices (the registry with v2 live: test/support/versions.ts).
import type { TestGateway } from './gateway.js';

/** The operators' addresses for notices: e-SAV contact and order-form address (the demo operators have none). */
export async function giveAddresses(t: TestGateway): Promise<void> {
  await t.db.query(`UPDATE operators SET email = 'commandes@opa1.example', esav_contact = '{"nom":"Mme Contact","fonction":"Responsable SAV","telephone":"0100000001","email":"esav@opa1.example"}'::jsonb WHERE code = 'OPA1'`);
  await t.db.query(`UPDATE operators SET email = 'commandes@opb2.example', esav_contact = NULL WHERE code = 'OPB2'`);
}

/**
 * Runs the gateway's jobs due at start (the notices of the versions registered with their dates,
 * e.g. the catalogue's next form version) and withdraws those notices, so that a test sees only
 * the notices it publishes.
 */
export async function withdrawAutomaticNotices(t: TestGateway): Promise<void> {
  await t.gateway.scheduler.runDue();
  const all = (await t.admin('GET', '/admin/avis?limite=500')).body.avis as Array<{ reference: string; auteur: string }>;
  for (const n of all.filter((n) => n.auteur === 'e-SAV')) {
    const withdrawn = await t.admin('POST', `/admin/avis/${n.reference}/retrait`, { agent: 'test' });
    if (withdrawn.status !== 200) throw new Error(`notice ${n.reference} not withdrawn: ${JSON.stringify(withdrawn.body)}`);
  }
}
