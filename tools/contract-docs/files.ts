// Where the generated pages live and how the tree is compared with them (shared by the command
// and the drift test, so that both see the same thing).
import fs from 'node:fs';
import path from 'node:path';
import { GENERATED_MARK } from './markdown.js';

export const CONTRACT_DOCS_DIR = path.join('docs', 'contract');

/** Every file under dir, relative to it with forward slashes, sorted. */
export function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relative);
      else out.push(relative);
    }
  };
  walk('');
  return out.sort();
}

export const isGenerated = (content: string): boolean => content.startsWith(GENERATED_MARK);

export interface Drift {
  /** Generated pages missing from the tree or different from it. */
  readonly changed: string[];
  /** Files of the tree carrying the generated mark that the generator no longer produces. */
  readonly stale: string[];
}

export function compareWithTree(dir: string, pages: ReadonlyMap<string, string>): Drift {
  const changed: string[] = [];
  for (const [file, content] of pages) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== content) changed.push(file);
  }
  const stale = listTree(dir).filter((f) => !pages.has(f) && f.endsWith('.md') && isGenerated(fs.readFileSync(path.join(dir, f), 'utf8')));
  return { changed: changed.sort(), stale };
}
