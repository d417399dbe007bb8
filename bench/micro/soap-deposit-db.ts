// The deposit's SOAP pipeline around the real use case, without TLS or HTTP (issue 16, point 3):
// in one process, N concurrent callers (32, as `npm run bench`) either call
// SignalisationService.deposit directly (as scenario u does) or hand the bench's deposit bytes to
// handleSoapRequest with the real e-SAV v1 endpoint over that same use case. The difference of CPU
// per deposit is what the SOAP pipeline (guard, parse, validations, mapping, response) costs in the
// company of the use case's own work — not in a tight loop over stub use cases, where caches stay hot
// (bench/micro/soap-layer.ts).
// Needs a migrated database with the demo data, e.g. one kept by
//   npm run bench -- --scenarios c --duration 1 --warmup 1 --keep-db
// Usage: node dist/bench/micro/soap-deposit-db.js <postgres url> [--rounds 3] [--calls 3000] [--connections 32]
import { postgresDatabase } from '../../src/adapters/postgres/db.js';
import { handleSoapRequest } from '../../src/adapters/soap/pipeline.js';
import { depositRequest } from '../lib/messages.js';
import { BENCH_IDENTITY, benchSignalisationService, depositUseCaseRequest as request, signalisationV1Endpoint } from '../lib/soap-fixtures.js';

const args = process.argv.slice(2);
const url = args.find((a) => a.startsWith('postgres'));
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
if (!url) {
  process.stderr.write('usage: node dist/bench/micro/soap-deposit-db.js <postgres url of a database with the demo data> [--rounds 3] [--calls 3000] [--connections 32]\n');
  process.exit(2);
}
const ROUNDS = flag('rounds', 3);
const CALLS = flag('calls', 3000);
const CONNECTIONS = flag('connections', 32);

const db = postgresDatabase(url, { max: 10 });
const service = benchSignalisationService(db);
const endpoint = signalisationV1Endpoint(service);
const identity = BENCH_IDENTITY;


const run = `MICRO-${Date.now().toString(36).toUpperCase()}`;
let next = 0;

async function measure(label: string, deposit: (referenceInterneOC: string) => Promise<void>): Promise<void> {
  const go = async (count: number) => {
    let started = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (started++ < count) await deposit(`${run}-${next++}`);
      }),
    );
  };
  await go(Math.ceil(CALLS / 3));
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    await go(CALLS);
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / CALLS);
  }
  rounds.sort((a, b) => a - b);
  process.stdout.write(`${label.padEnd(40)} ${rounds.map((r) => r.toFixed(0).padStart(5)).join(' ')} µs\n`);
}

process.stdout.write(`CPU per deposit (whole process), ${ROUNDS} rounds of ${CALLS}, ${CONNECTIONS} concurrent callers, sorted:\n`);
for (let k = 0; k < 2; k++) {
  await measure('use case alone', async (ref) => {
    await service.deposit({ operatorCode: 'OPA1' }, request(ref));
  });
  await measure('SOAP pipeline around the use case', async (ref) => {
    const result = await handleSoapRequest(
      endpoint,
      {
        body: Buffer.from(depositRequest(ref)),
        contentType: 'text/xml; charset=utf-8',
        soapAction: '"urn:esav:signalisation:v1:deposerSignalisation"',
        requestId: '0b8f8a52-5a40-4d8e-9d6b-3f0a4c7e1d11',
        resolveIdentity: async () => identity,
        now: () => new Date(),
      },
      { platform: 'integration' },
    );
    if (result.httpStatus !== 200) throw new Error(`unexpected answer: ${result.xml.slice(0, 500)}`);
  });
}
await db.close();
