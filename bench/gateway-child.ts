// Child process: the real gateway (startGateway, as `npm start` runs it) on the PostgreSQL named
// by DATABASE_URL, with the development PKI of ESAV_DEV_CERTS_DIR and the demo data. The runner
// sets ESAV_BENCH_ECHO=true for the bare echo route (the ceiling). Logs go to the runner's file.
// BENCH_CLOCK_OFFSET_MS moves the business clock (not the PKI's nor the scheduler's) that many
// milliseconds from the system time: `bench:scale` uses it to measure the slot search, which the
// contract closes from 01:00 to 04:00 Paris time, whatever the hour of the run.
import { loadConfig } from '../src/composition/config/config.js';
import { startGateway } from '../src/composition/gateway.js';
import { serveFromChild } from './lib/server-process.js';

serveFromChild(async () => {
  const config = loadConfig(process.env);
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required: the benchmarks run on real PostgreSQL');
  const offsetMs = Number(process.env.BENCH_CLOCK_OFFSET_MS ?? 0);
  if (!Number.isFinite(offsetMs)) throw new Error('BENCH_CLOCK_OFFSET_MS: a number of milliseconds is expected');
  const gateway = await startGateway(config, offsetMs === 0 ? {} : { clock: { now: () => new Date(Date.now() + offsetMs) } });
  const pki = gateway.devPki;
  const operator = pki?.operators.OPA1;
  if (!pki || !operator) throw new Error('the benchmarks need the development PKI (no ESAV_TLS_*)');
  return {
    port: gateway.port,
    tls: { key: operator.keyPem, cert: operator.certPem, ca: pki.ca.certPem },
    close: () => gateway.close(),
  };
});
