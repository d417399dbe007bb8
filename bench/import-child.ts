// Child process of `npm run bench:import`: the real gateway (startGateway, as `npm start` runs it)
// with the demo data (operators OPA1 and OPB2), on the PostgreSQL of DATABASE_URL or, without it,
// on the embedded PGlite of ESAV_DATA_DIR. It tells the runner its admin URL and token, then
// answers 'memory' with its peak resident set size (the importing process is this one).
import { loadConfig } from '../src/composition/config/config.js';
import { startGateway } from '../src/composition/gateway.js';

const config = loadConfig(process.env);
const gateway = await startGateway(config);
const send = (message: unknown) => process.send?.(message);
send({ type: 'ready', adminUrl: gateway.adminUrl.replace('localhost', '127.0.0.1'), adminToken: gateway.adminToken, rssBytes: process.memoryUsage().rss });
process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    // maxRSS: KiB, the process's peak since it started.
    send({ type: 'memory', peakRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: process.memoryUsage().rss });
  } else if (message.type === 'stop') {
    void gateway.close().then(() => process.exit(0));
  }
});
