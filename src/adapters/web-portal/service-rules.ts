// The service rules a portal action obeys exactly as its web-service operation does (issue 13,
// point 7): no action during a maintenance window (402, nothing half done), the operator's rate
// limit shared with its web-service calls (401), and the action counted in the volumetry under the
// kind of the SOAP operation it stands for (deposerSignalisation → signalisation, demanderTest →
// test, …) when it is answered, like the SOAP front's observer counts its requests.
import type { Clock } from '../../domain/clock.js';
import { EsavFault } from '../../domain/faults.js';
import type { MaintenanceState, WorksWindow } from '../../domain/maintenance.js';

export interface PortalServiceRules {
  clock: Clock;
  /**
   * assertOpen refuses an action; current and upcomingWorks feed every page's banner
   * (maintenance-notice.ts; absent, as in a test's stand-in: no banner).
   */
  maintenance: { assertOpen(now: Date): void; current?(now: Date): MaintenanceState | undefined; upcomingWorks?(now: Date): WorksWindow | undefined };
  rateLimits: { admit(operatorCode: string, now: Date): void | Promise<void> };
  volumetry: { count(request: { operation: string | undefined; operatorCode: string | undefined; outcome: string; at: Date }): void };
}

/**
 * Runs `action` for `operatorCode` as the SOAP operation `operation`: maintenance and rate limit
 * first (their EsavFault 402/401 propagates, nothing is done), then the action, counted when it
 * ends with an answer ('ok', or the code of the EsavFault it threw).
 */
export async function underServiceRules<T>(rules: PortalServiceRules, operatorCode: string, operation: string, action: () => Promise<T>): Promise<T> {
  const at = rules.clock.now();
  rules.maintenance.assertOpen(at);
  await rules.rateLimits.admit(operatorCode, at);
  try {
    const result = await action();
    rules.volumetry.count({ operation, operatorCode, outcome: 'ok', at });
    return result;
  } catch (error) {
    if (error instanceof EsavFault) rules.volumetry.count({ operation, operatorCode, outcome: String(error.code), at });
    throw error;
  }
}

/** The page a refusal of the service rules gets: status, title and the fault's own French text. */
export function serviceRefusal(error: unknown): { status: number; title: string; text: string } | undefined {
  if (!(error instanceof EsavFault)) return undefined;
  if (error.code === 402) return { status: 503, title: 'Service en maintenance', text: error.libelle };
  if (error.code === 401) return { status: 429, title: 'Trop de requêtes', text: error.libelle };
  return undefined;
}
