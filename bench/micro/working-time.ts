// Micro-benchmark of the Paris calendar on the deposit path: the working-time deadline
// (addWorkingTime, computed at each deposit and state change) and the working time between two
// instants (workingTimeBetween, at each pause of the guarantee clock), with the French public
// holidays, plus the day functions the slot search and the renewal rule walk with.
// Usage: npm run bench:micro
import { frenchPublicHolidays } from '../../src/domain/holidays.js';
import { addDays, isoWeekday, parisDayOf } from '../../src/domain/paris-calendar.js';
import { addWorkingTime, workingTimeBetween } from '../../src/domain/working-time.js';

const calendar = frenchPublicHolidays();
const base = Date.UTC(2026, 0, 1);
let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const starts: Date[] = [];
for (let i = 0; i < 20_000; i++) starts.push(new Date(base + Math.floor(random() * 3 * 365 * 86_400_000)));

function time(label: string, calls: number, f: () => number): void {
  let sink = 0;
  sink += f(); // warm-up
  const t0 = performance.now();
  for (let round = 0; round < 5; round++) sink += f();
  const us = ((performance.now() - t0) * 1000) / (5 * calls);
  process.stdout.write(`${label.padEnd(52)} ${us.toFixed(3)} µs per call${sink === -1 ? '!' : ''}\n`);
}

const HOUR = 3_600_000;
time('addWorkingTime (4 h, GTR of a deposit)', starts.length, () => starts.reduce((s, d) => s + addWorkingTime(d, 4 * HOUR, calendar).getTime() % 7, 0));
time('addWorkingTime (20 h, two working days)', starts.length, () => starts.reduce((s, d) => s + addWorkingTime(d, 20 * HOUR, calendar).getTime() % 7, 0));
time('workingTimeBetween (≈ 3 days)', starts.length, () => starts.reduce((s, d) => s + workingTimeBetween(d, new Date(d.getTime() + 70 * HOUR), calendar), 0));
time('workingTimeBetween (≈ 90 days, a long pause)', starts.length, () => starts.reduce((s, d) => s + workingTimeBetween(d, new Date(d.getTime() + 90 * 24 * HOUR), calendar) % 7, 0));
time('parisDayOf + addDays + isoWeekday', starts.length, () => starts.reduce((s, d) => s + isoWeekday(addDays(parisDayOf(d), 3)), 0));
