// The console's only way to the data: the admin API (decision 0021). Pages never call a use case
// or a repository; they call the admin API's routes through this client, so every action goes
// through the same schemas, rules and audit as the support CLI. The shape is the one of the shared
// client `AdminClient` (src/admin-client/, decision 0020): `request(method, path, {query, body})`,
// a refusal thrown as an error carrying the HTTP `status` and the API's `erreur` text.

import type { AdminClient } from '../../../admin-client/index.js';

export type { Query, QueryValue } from '../../../admin-client/index.js';

/** What the pages use of the shared AdminClient (in the gateway: an inject transport onto the admin app). */
export type ConsoleApi = Pick<AdminClient, 'request' | 'call'>;

/** A refusal of the admin API (AdminApiError of src/admin-client, read structurally). */
export interface ApiRefusal {
  status: number;
  message: string;
}

export function apiRefusal(error: unknown): ApiRefusal | undefined {
  if (!(error instanceof Error)) return undefined;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return { status, message: error.message };
}

/** `/admin/…/<segment>` with the segment escaped. */
export const segment = (value: string): string => encodeURIComponent(value);
