// The console's only way to the data: the admin API (decision 0021). Pages never call a use case
// or a repository; they call the admin API's routes through this client, so every action goes
// through the same schemas, rules and audit as the support CLI. The shape is the one of the shared
// client `AdminClient` (src/admin-client/, decision 0020): `request(method, path, {query, body})`,
// a refusal thrown as an error carrying the HTTP `status` and the API's `erreur` text.

export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;
export type Query = Record<string, QueryValue>;

export interface ConsoleApi {
  request<T>(method: string, path: string, options?: { query?: Query; body?: unknown }): Promise<T>;
}

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
