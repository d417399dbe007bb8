// The published Interop'Fibre WSDLs (reference copies, not part of the repository: the project's
// own, corrected WSDLs are in wsdl/interop/). Tests compare our contract with them. Without the
// folder those comparisons are skipped locally, with a warning, but fail under CI, which always has
// it — like the zeep and Java prerequisites: a check that compares nothing must not pass in CI.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';

/** `ESAV_INTEROP_DIR`, or `../shared/interop/` next to the repository. */
export const INTEROP_DIR = process.env.ESAV_INTEROP_DIR
  ? path.resolve(process.env.ESAV_INTEROP_DIR)
  : path.resolve(PROJECT_ROOT, '..', 'shared', 'interop');

export interface PublishedWsdlOptions {
  /** Folder of the published WSDLs (default INTEROP_DIR). */
  dir?: string;
  /** Whether a missing file is an error (default: the CI variable is set). */
  ci?: boolean;
}

/**
 * The path of the published WSDL `name`; undefined when it is missing outside CI (after a
 * warning). Under CI a missing file throws: the test file that asks for it fails.
 */
export function publishedWsdl(name: string, options: PublishedWsdlOptions = {}): string | undefined {
  const dir = options.dir ?? INTEROP_DIR;
  const ci = options.ci ?? Boolean(process.env.CI);
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return file;
  const reason = `published Interop'Fibre WSDL ${file} not found`;
  if (ci) throw new Error(`${reason}: CI must have the reference copies (folder ${dir}, or set ESAV_INTEROP_DIR)`);
  console.warn(`${reason}: the comparisons with the published WSDL are skipped (set ESAV_INTEROP_DIR to its folder)`);
  return undefined;
}
