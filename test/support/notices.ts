// What the notices' tests share (issue 15, decision 0022): a version registry with
// SignalisationService v2 live beside v1 at the tests' clock, and the operators' addresses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestGateway } from './gateway.js';

/** SignalisationService v2 live beside v1 at the tests' clock (November 2026). */
export const NOTICES_REGISTRY = `services:
  SignalisationService:
    - version: 1
      production: "2018-01-01"
      fin: "2027-05-01T00:00:00+02:00"
    - version: 2
      production: "2026-11-01"
  TestService:
    - version: 1
      production: "2018-01-01"
`;

export function writeRegistry(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'esav-versions-')), 'versions.yaml');
  fs.writeFileSync(file, NOTICES_REGISTRY);
  return file;
}

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
