// Version registries for test gateways (config/versions.yaml's format, ESAV_VERSIONS_FILE).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** SignalisationService v2 live beside v1 at the tests' clock (November 2026). */
export const V1_AND_V2_REGISTRY = `services:
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

/** Writes a registry to a new temporary folder; returns the file's path. */
export function writeRegistry(text: string = V1_AND_V2_REGISTRY): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'esav-versions-')), 'versions.yaml');
  fs.writeFileSync(file, text);
  return file;
}
