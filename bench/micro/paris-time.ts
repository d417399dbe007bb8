// Micro-benchmark behind a finding of docs/benchmarks.md: `parisWallTime` (src/domain/paris-calendar.ts)
// used to call Intl.DateTimeFormat#formatToParts on every use, and it dominated the list answer
// (three dates per ticket) and weighed on the deposit (the working-time deadline). It now asks
// Intl once per UTC hour for the offset (Europe/Paris changes it on whole UTC hours) and derives
// the wall time with Date's UTC arithmetic; `parisWallTimeIntl` is the former computation.
// This script checks both give the same answer on ±6 years of random instants and on every DST
// transition of 2020–2035, then times both.
// Usage: npm run bench:micro
import { type ParisWallTime, parisWallTime, parisWallTimeIntl } from '../../src/domain/paris-calendar.js';

function same(a: ParisWallTime, b: ParisWallTime): boolean {
  return (
    a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second && a.offsetMinutes === b.offsetMinutes
  );
}

const now = Date.now();
const instants: Date[] = [];
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let i = 0; i < 200_000; i++) instants.push(new Date(now + Math.floor((random() - 0.5) * 12 * 365 * 86_400_000)));
// every minute around each last-Sunday-of-March/October 01:00 UTC transition, 2020–2035
for (let year = 2020; year <= 2035; year++) {
  for (const month of [2, 9]) {
    const last = new Date(Date.UTC(year, month + 1, 0));
    const sunday = Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
    for (let m = -180; m <= 180; m++) instants.push(new Date(sunday + m * 60_000 + 999));
  }
}

let mismatches = 0;
for (const instant of instants) if (!same(parisWallTimeIntl(instant), parisWallTime(instant))) mismatches++;
process.stdout.write(`checked ${instants.length.toLocaleString('en-US')} instants: ${mismatches} mismatches\n`);

function time(label: string, f: (d: Date) => ParisWallTime): number {
  let sink = 0;
  for (let round = 0; round < 2; round++) for (const d of instants) sink += f(d).second; // warm-up
  const t0 = performance.now();
  for (let round = 0; round < 5; round++) for (const d of instants) sink += f(d).second;
  const us = ((performance.now() - t0) * 1000) / (5 * instants.length);
  process.stdout.write(`${label.padEnd(44)} ${us.toFixed(3)} µs per call${sink < 0 ? '' : ''}\n`);
  return us;
}
const before = time('parisWallTimeIntl (formatToParts each call)', parisWallTimeIntl);
const after = time('parisWallTime (offset cached per UTC hour)', parisWallTime);
process.stdout.write(`speed-up ×${(before / after).toFixed(0)}\n`);
if (mismatches > 0) process.exitCode = 1;
