// The documentation is the repository's own (issue 12, defect 7): the README once linked
// ../shared/spec/FUNCTIONAL-SPEC.md, which users do not have. Every relative Markdown link of the
// README, certs/README.md and docs/ must name a file of the repository that exists, and the README
// names no path outside it at all.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** The targets of `[text](target)` links that are neither URLs nor in-page anchors. */
export function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'));
}

/** What is wrong with a link of `file` to `target`, or undefined. */
function linkProblem(file: string, target: string): string | undefined {
  const resolved = path.resolve(path.dirname(file), decodeURIComponent(target.split('#')[0]!));
  const relative = path.relative(PROJECT_ROOT, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return 'outside the repository';
  if (!fs.existsSync(resolved)) return 'missing';
  return undefined;
}

describe('documentation links stay in the repository', () => {
  const files = [path.join(PROJECT_ROOT, 'README.md'), path.join(PROJECT_ROOT, 'certs', 'README.md'), ...markdownFiles(path.join(PROJECT_ROOT, 'docs'))];

  test('link extraction', () => {
    expect(relativeLinks('[a](docs/x.md) [b](https://e.org) [c](#part) [d](../y.md#z) `[e](no.md)`\n```\n[f](no.md)\n```')).toEqual(['docs/x.md', '../y.md#z']);
  });

  test('every relative link names an existing file of the repository', () => {
    const problems = files.flatMap((file) =>
      relativeLinks(fs.readFileSync(file, 'utf8')).flatMap((target) => {
        const problem = linkProblem(file, target);
        return problem ? [`${path.relative(PROJECT_ROOT, file)}: ${target} (${problem})`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });

  test('the README names no path outside the repository and starts with its two commands', () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/(^|[\s(`'"])\.\.\//m);
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock.split('\n').filter(Boolean).map((line) => line.replace(/\s+#.*$/, ''))).toEqual(['npm install && npm start', 'npm test']);
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
  });
});
