// Micro-benchmark of the SOAP layer alone (issue 16, point 3): `handleSoapRequest` on the bytes
// `npm run bench` sends (consulterEtatSignalisation and deposerSignalisation, e-SAV v1), with the
// real endpoint (schema, conventions, mappings, writer) over stub use cases that answer at once —
// no TLS, no HTTP, no database. Then each stage on its own (guard, parse, validations, mapping,
// response), so that a change to the pipeline shows what it saves, in CPU microseconds per call.
// Usage: node dist/bench/micro/soap-layer.js [--rounds 5] [--calls 20000] [--only consult|deposit] [--stages 0]
import type { SignalisationService } from '../../src/application/signalisation.js';
import { esavConventions } from '../../src/adapters/contracts/esav-conventions.js';
import { parseEnvelope, toPlain } from '../../src/adapters/soap/envelope.js';
import { guardRequestBody } from '../../src/adapters/soap/guard.js';
import { handleSoapRequest } from '../../src/adapters/soap/pipeline.js';
import { consultStateRequest, depositRequest } from '../lib/messages.js';
import { BENCH_IDENTITY, signalisationV1Endpoint } from '../lib/soap-fixtures.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROUNDS = flag('rounds', 5);
const CALLS = flag('calls', 20_000);
const STAGES = flag('stages', 1) !== 0;
const onlyAt = args.indexOf('--only');
const ONLY = onlyAt >= 0 ? args[onlyAt + 1] : undefined;

const now = new Date('2026-12-07T10:00:00Z');

const signalisation = {
  state: async () => ({ referenceSignalisation: 'SIG-0000000001', referenceInterneOC: 'REF-1', etat: 'EN_DEPOT', dateEtat: now, motif: 'Dépôt de la signalisation' }),
  deposit: async () => ({
    referenceSignalisation: 'SIG-0000000002',
    etat: 'EN_DEPOT',
    dateHeurePriseEnCompte: now,
    garantie: { code: 'GTR_4H_HO', echeanceRetablissement: new Date(now.getTime() + 4 * 3_600_000) },
    created: true,
  }),
} as unknown as SignalisationService;
const endpoint = signalisationV1Endpoint(signalisation);
const identity = BENCH_IDENTITY;


const consult = Buffer.from(consultStateRequest('SIG-0000000001'));
const deposit = Buffer.from(depositRequest('BENCH-REF-000001'));
const headers = { consulterEtatSignalisation: '"urn:esav:signalisation:v1:consulterEtatSignalisation"', deposerSignalisation: '"urn:esav:signalisation:v1:deposerSignalisation"' };

async function pipeline(body: Buffer, soapAction: string): Promise<void> {
  const result = await handleSoapRequest(
    endpoint,
    {
      body,
      contentType: 'text/xml; charset=utf-8',
      soapAction,
      requestId: '0b8f8a52-5a40-4d8e-9d6b-3f0a4c7e1d11',
      resolveIdentity: async () => identity,
      now: () => now,
    },
    { platform: 'integration' },
  );
  if (result.httpStatus !== 200) throw new Error(`unexpected answer: ${result.xml}`);
}

/** CPU microseconds (user + system, whole process) per call of `f`, best and median of ROUNDS. */
async function time(label: string, f: () => void | Promise<void>): Promise<number> {
  for (let i = 0; i < CALLS / 4; i++) await f();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await f();
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / CALLS);
  }
  rounds.sort((a, b) => a - b);
  const best = rounds[0]!;
  const median = rounds[Math.floor(rounds.length / 2)]!;
  process.stdout.write(`${label.padEnd(52)} ${best.toFixed(2).padStart(7)} / ${median.toFixed(2).padStart(7)} µs\n`);
  return median;
}

process.stdout.write(`SOAP layer, CPU µs per call (best / median of ${ROUNDS} rounds of ${CALLS}):\n`);
for (const [name, body] of [
  ['consulterEtatSignalisation', consult],
  ['deposerSignalisation', deposit],
] as const) {
  if (ONLY && !name.toLowerCase().includes(ONLY)) continue;
  const action = headers[name];
  await time(`${name}: whole pipeline (stub use case)`, () => pipeline(body, action));
  if (!STAGES) continue;
  await time(`${name}:   guard`, () => guardRequestBody(body));
  const understood = new Set([esavConventions.headerElement]);
  await time(`${name}:   parse + dispose`, () => parseEnvelope(body, understood).doc.dispose());
  await time(`${name}:   parse + validate header and payload + dispose`, () => {
    const envelope = parseEnvelope(body, understood);
    endpoint.schema.validateElement(envelope.headers[0]!);
    endpoint.schema.validateElement(envelope.payload);
    envelope.doc.dispose();
  });
  await time(`${name}:   parse + toPlain header and payload + dispose`, () => {
    const envelope = parseEnvelope(body, understood);
    toPlain(envelope.headers[0]!);
    toPlain(envelope.payload);
    envelope.doc.dispose();
  });
}
