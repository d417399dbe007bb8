// The operators' contract reference (docs/contract/) cannot drift from what the gateway serves:
// its generated pages are regenerated here from the WSDLs, XSDs, catalogue, version registry and
// domain, and must equal the committed files; its links must resolve inside the repository.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { compareWithTree, CONTRACT_DOCS_DIR, isGenerated, listTree } from '../../tools/contract-docs/files.js';
import { generateContractDocs, HAND_WRITTEN_PAGES } from '../../tools/contract-docs/generate.js';

const docsDir = path.join(PROJECT_ROOT, CONTRACT_DOCS_DIR);
const pages = generateContractDocs(PROJECT_ROOT);

/** A copy of the contract's sources, to change one and see the reference follow. */
function copyOfSources(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-docs-'));
  for (const dir of ['wsdl', 'xsd', 'catalog', 'config']) fs.cpSync(path.join(PROJECT_ROOT, dir), path.join(root, dir), { recursive: true });
  return root;
}

function edit(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file}: ${from} not found`);
  fs.writeFileSync(file, text.replace(from, to));
}

describe('docs/contract', () => {
  test('the generated pages are up to date (otherwise run `npm run docs:contract` and commit docs/contract/)', () => {
    const { changed, stale } = compareWithTree(docsDir, pages);
    const problems = [
      ...changed.map((f) => `docs/contract/${f} differs from what the sources give`),
      ...stale.map((f) => `docs/contract/${f} is a generated page the sources no longer give`),
    ];
    if (problems.length > 0) throw new Error(`${problems.join('\n')}\nRun \`npm run docs:contract\` and commit docs/contract/.`);
  });

  test('every published service version has its page, with each of its operations', () => {
    const index = pages.get('README.md')!;
    for (const [file, service] of [
      ['services/v1-signalisation.md', 'SignalisationService v1'],
      ['services/v2-signalisation.md', 'SignalisationService v2'],
      ['services/v1-test.md', 'TestService v1'],
      ['services/interop-planChargeSavFtth.md', 'PlanChargeFtthSavService v1'],
      ['services/interop-infoTravauxFTTH.md', 'getInfoTravauxFTTHService v1'],
    ] as const) {
      expect(pages.get(file)).toContain(`# ${service} (`);
      expect(index).toContain(`](${file})`);
    }
    const wsdl = fs.readFileSync(path.join(PROJECT_ROOT, 'wsdl', 'v1', 'test-v1.wsdl'), 'utf8');
    for (const [, operation] of wsdl.matchAll(/<wsdl:operation name="([^"]+)">\s*<soap:operation/g)) {
      expect(pages.get('services/v1-test.md')).toContain(`## ${operation}\n`);
    }
  });

  test('the hand-written pages exist, are not marked generated, and every relative link resolves', () => {
    for (const p of HAND_WRITTEN_PAGES) {
      const file = path.join(docsDir, p.file);
      expect(fs.existsSync(file)).toBe(true);
      expect(isGenerated(fs.readFileSync(file, 'utf8'))).toBe(false);
    }
    const broken: string[] = [];
    for (const file of listTree(docsDir).filter((f) => f.endsWith('.md'))) {
      const text = fs.readFileSync(path.join(docsDir, file), 'utf8');
      if (/\.\.\/shared\/|FUNCTIONAL-SPEC/.test(text)) broken.push(`${file}: points outside the repository (../shared)`);
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!) || target!.startsWith('#')) continue;
        const resolved = path.resolve(path.dirname(path.join(docsDir, file)), target!.replace(/#.*$/, ''));
        if (!resolved.startsWith(PROJECT_ROOT + path.sep) || !fs.existsSync(resolved)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('a change of a schema, the catalogue or the version registry changes the reference', () => {
    const root = copyOfSources();
    try {
      edit(path.join(root, 'xsd', 'common', 'commun-v1.xsd'), '<xs:pattern value="[A-Z0-9]{4}"/>', '<xs:pattern value="[A-Z0-9]{5}"/>');
      edit(path.join(root, 'catalog', 'formulaires', 'FTTH_PASSIF', 'v2.xsd'), 'Route optique (PM, câble, tube, fibre)', 'Route optique complète');
      edit(path.join(root, 'config', 'versions.yaml'), 'fin: "2027-05-01"', 'fin: "2027-04-01"');
      const changed = generateContractDocs(root);
      expect(changed.get('services/v1-signalisation.md')).toContain('motif `[A-Z0-9]{5}`');
      expect(changed.get('catalogue.md')).toContain('| `ROUTE_OPTIQUE` | Route optique complète | non |');
      expect(changed.get('versions.md')).toContain('| 2027-04-01 (00:00, heure de Paris) |');
      expect(changed.get('versions.md')).not.toBe(pages.get('versions.md'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a schema construct the generator does not know stops it, naming the file and line', () => {
    const root = copyOfSources();
    try {
      edit(
        path.join(root, 'xsd', 'v1', 'test-v1.xsd'),
        '<xs:import ',
        '<xs:redefine schemaLocation="x.xsd"/>\n  <xs:import ',
      );
      expect(() => generateContractDocs(root)).toThrow(/test-v1\.xsd:\d+: xs:redefine is not supported/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
