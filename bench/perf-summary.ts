// On-CPU profile of the gateway by area, from `perf script` (issue 16, point 3). The V8 profile of
// `--cpu-prof` samples wall time: a thread descheduled inside a socket write is charged to `writev`.
// perf's cpu-clock event samples only while the thread runs, and with the JIT's symbol map
// (NODE_OPTIONS=--perf-basic-prof-only-functions) names the JavaScript functions; each sample is
// charged to the nearest JavaScript frame of its stack (walking from the leaf toward the root), so
// that the native and kernel work a function causes (a socket write, a TLS record, a malloc) counts
// for it. Samples without any JavaScript frame are grouped as native, kernel or GC.
//
//   NODE_OPTIONS=--perf-basic-prof-only-functions node dist/bench/run.js --duration 8 --warmup 3 --scenarios b &
//   perf record -e cpu-clock -F 1999 -g -p <gateway child pid> -o b.data -- sleep 6
//   perf script -i b.data -F ip,sym,dso > b.txt
//   node dist/bench/perf-summary.js b.txt [--top 40]
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 40;
if (!file) {
  process.stderr.write('usage: node dist/bench/perf-summary.js <perf script output> [--top N]\n');
  process.exit(2);
}

/** The area of a JavaScript frame, from its file. */
function area(symbol: string): string {
  if (symbol.includes('wasm-function') || symbol.includes('libxml2-wasm')) return 'libxml2-wasm (WebAssembly and its JS)';
  const npm = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(symbol);
  if (npm) return `npm: ${npm[1]}`;
  const own = /\/dist\/(src\/[^/]+\/[^/]+|src\/[^/]+|bench)/.exec(symbol);
  if (own) return own[1]!.replace(/\.js$/, '');
  const core = / (node:[a-z_]+)/.exec(symbol);
  if (core) return core[1]!;
  return 'other JavaScript';
}

const byArea = new Map<string, number>();
const kernelByArea = new Map<string, number>();
const byFrame = new Map<string, number>();
const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
let samples = 0;
let stack: string[] = [];

function flush(): void {
  if (stack.length === 0) return;
  samples++;
  const leaf = stack[0]!;
  const js = stack.find((frame) => / JS:/.test(` ${frame.replace(/^[0-9a-f]+ /, '')}`));
  if (!js) {
    const kind = leaf.includes('[kernel.kallsyms]') ? 'kernel (no JavaScript frame)' : /Scavenge|MarkCompact|Heap::|GC/.test(leaf) ? 'GC (no JavaScript frame)' : 'native (no JavaScript frame)';
    add(byArea, kind);
    add(byFrame, `${kind}: ${leaf.replace(/^[0-9a-f]+ /, '').slice(0, 90)}`);
    return;
  }
  const name = js.replace(/^[0-9a-f]+ /, '').replace(/ \(\/tmp\/perf-\d+\.map\)/, '');
  const where = area(name);
  add(byArea, where);
  add(byFrame, name.slice(0, 120));
  if (leaf.includes('[kernel.kallsyms]')) add(kernelByArea, where);
}

for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (line.trim() === '') {
    flush();
    stack = [];
  } else if (line.startsWith('\t') || line.startsWith(' ')) {
    stack.push(line.trim());
  }
}
flush();

const pct = (n: number) => `${((100 * n) / samples).toFixed(1).padStart(5)} %`;
process.stdout.write(`${samples} samples (on-CPU), charged to the nearest JavaScript frame\n  by area (of which in the kernel):\n`);
for (const [name, n] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  process.stdout.write(`  ${pct(n)}  ${name}${kernelByArea.get(name) ? ` (kernel ${pct(kernelByArea.get(name)!).trim()})` : ''}\n`);
}
process.stdout.write('  top frames:\n');
for (const [name, n] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(n)}  ${name}\n`);
