// The Prometheus gauge of the CRL sources (decision 0019), in a gateway process's registry
// (src/adapters/observability/metrics.ts):
//
//   esav_crl_sources{state}   CRL sources by state: A_JOUR, ECHEC (last fetch failed, cached CRL
//                             still current), PERIMEE (past its nextUpdate), INDISPONIBLE (never
//                             obtained). Alert on ECHEC, PERIMEE or INDISPONIBLE above 0.
// Read from the database when scraped; a failed read keeps the last values.
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';

export function registerCrlGauges(registry: Registry, read: () => Promise<Record<string, number>>, logger: Logger): void {
  new Gauge({
    name: 'esav_crl_sources',
    help: 'CRL sources of the recognised CAs by state (A_JOUR, ECHEC, PERIMEE, INDISPONIBLE)',
    labelNames: ['state'],
    // Read from PostgreSQL: the same in every process, not summed when a cluster's metrics are merged.
    aggregator: 'max',
    registers: [registry],
    async collect() {
      try {
        const counts = await read();
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      } catch (error) {
        logger.warn({ err: error }, 'metrics: CRL sources not read');
      }
    },
  });
}
