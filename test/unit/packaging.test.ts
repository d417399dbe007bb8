// A production install (`npm ci --omit=dev`, the Docker image) has only package.json "dependencies":
// every package the compiled code imports must be one of them. The conformance kit imported
// node-soap while it was a devDependency, and `esav-conformance` failed in production (issue 12,
// defect 4). Reads dist/ (compiled by the jest global setup), where type-only imports are erased.
// .ci/run also runs `npx esav-conformance --help` from a real `npm ci --omit=dev` of the built tree.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';

const DIST = path.join(PROJECT_ROOT, 'dist', 'src');
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(full);
    return entry.name.endsWith('.js') ? [full] : [];
  });
}

/** The npm package a bare specifier names ('@scope/name/sub' → '@scope/name'); undefined for relative and built-in modules. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return builtinModules.includes(name) ? undefined : name;
}

/** Package name → the compiled files importing it (static, re-export and dynamic imports). */
function importedPackages(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const name = packageOf(fileName);
      if (name) found.set(name, [...(found.get(name) ?? []), path.relative(PROJECT_ROOT, file)]);
    }
  }
  return found;
}

describe('packaging: the compiled code runs from a production install', () => {
  const files = jsFiles(DIST);

  test('the package name of a specifier', () => {
    expect(packageOf('soap')).toBe('soap');
    expect(packageOf('libxml2-wasm/lib/nodejs.mjs')).toBe('libxml2-wasm');
    expect(packageOf('@electric-sql/pglite/vector')).toBe('@electric-sql/pglite');
    expect(packageOf('node:fs')).toBeUndefined();
    expect(packageOf('fs')).toBeUndefined();
    expect(packageOf('../domain/clock.js')).toBeUndefined();
  });

  test('every package imported by dist/src is a runtime dependency, never only a devDependency', () => {
    expect(files.length).toBeGreaterThan(50);
    const imported = importedPackages(files);
    // The scan sees the real imports (a scan finding nothing would pass vacuously).
    for (const known of ['fastify', 'pg', 'soap', 'commander']) expect(imported.has(known)).toBe(true);
    const undeclared = [...imported].filter(([name]) => !(name in pkg.dependencies)).map(([name, by]) => `${name} (imported by ${by.join(', ')})`);
    expect(undeclared).toEqual([]);
  });

  test('each bin is a compiled file with a node shebang', () => {
    expect(Object.keys(pkg.bin)).toContain('esav-conformance');
    for (const target of Object.values(pkg.bin)) {
      const file = path.join(PROJECT_ROOT, target);
      expect(fs.existsSync(file)).toBe(true);
      expect(fs.readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    }
  });
});
