// Locations of the project's data folders (xsd/, wsdl/, catalog/, migrations), the same whether
// the code runs from src/ (tests) or from dist/ (npm start): found from the package root.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'xsd'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`esav-gateway: project root not found above ${from}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
export const XSD_DIR = path.join(PROJECT_ROOT, 'xsd');
export const WSDL_DIR = path.join(PROJECT_ROOT, 'wsdl');
export const CATALOG_DIR = path.join(PROJECT_ROOT, 'catalog');
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'src', 'adapters', 'postgres', 'migrations');
/** The web portal's templates (and its own static files under static/): read at run time, copied by the Dockerfile. */
export const WEB_PORTAL_VIEWS_DIR = path.join(PROJECT_ROOT, 'src', 'adapters', 'web-portal', 'views');
