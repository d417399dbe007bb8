// Micro-benchmark behind a finding of docs/benchmarks.md: `parisWallTime` (src/domain/clock.ts)
// calls Intl.DateTimeFormat#formatToParts on every use, and it dominates the list answer
// (three dates per ticket) and weighs on the deposit (the working-time deadline). A proposal
// measured here: Europe/Paris changes its UTC offset only on whole UTC hours, so the offset can
// be asked to Intl once per UTC hour and the wall time derived with Date's UTC arithmetic.
// This script checks the proposal gives the same answer as the current function on ±6 years of
// random instants and on every DST transition of 2020–2035, then times both.
// Usage: npm run bench:micro
import { parisWallTime, type ParisWallTime } from '../../src/domain/clock.js';

const HOUR = 3_600_000;
const offsets = new Map<number, number>();

/** The proposal: the offset cached per UTC hour, the rest computed. */
export function cachedParisWallTime(instant: Date): ParisWallTime {
  const time = instant.getTime();
  const hour = Math.floor(time / HOUR);
  let offsetMinutes = offsets.get(hour);
  if (offsetMinutes === undefined) {
    if (offsets.size > 100_000) offsets.clear();
    offsetMinutes = parisWallTime(new Date(hour * HOUR)).offsetMinutes;
    offsets.set(hour, offsetMinutes);
  }
  const wall = new Date(Math.floor(time / 1000) * 1000 + offsetMinutes * 60_000);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    offsetMinutes,
  };
}

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
for (const instant of instants) if (!same(parisWallTime(instant), cachedParisWallTime(instant))) mismatches++;
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
const current = time('parisWallTime (Intl formatToParts, today)', parisWallTime);
const proposal = time('cachedParisWallTime (offset per UTC hour)', cachedParisWallTime);
process.stdout.write(`speed-up ×${(current / proposal).toFixed(0)}\n`);
if (mismatches > 0) process.exitCode = 1;
