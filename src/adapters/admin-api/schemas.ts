// Schemas shared by the admin API's route families (Fastify JSON schemas): request parts checked
// by ajv, response parts documented in the OpenAPI description (docs/admin-api/openapi.json) and
// checked against the answers (app.ts, decision 0020). Every route's schema goes through
// `operation()`: operationId, summary, tags, and the error shape of its 4xx answers.

/** `:reference` path parameter of a signalisation or an announced window: letters, digits, _ and -. */
export const referenceParams = {
  type: 'object',
  additionalProperties: false,
  required: ['reference'],
  properties: { reference: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' } },
} as const;

// ---------------------------------------------------------------- response pieces

/** Every refusal of the admin API: `{ "erreur": "…" }`, the message for support staff. */
export const errorResponse = {
  description: 'Refus : le message, pour le support',
  type: 'object',
  required: ['erreur'],
  properties: { erreur: { type: 'string' } },
} as const;

/** The 4xx answers every /admin route may give (400 bad input naming the field, 401 token, 404 unknown, 409 refused). */
export const ERROR_RESPONSES = {
  400: { ...errorResponse, description: 'Requête invalide (le champ est nommé)' },
  401: { ...errorResponse, description: 'Jeton d’administration absent ou invalide' },
  404: { ...errorResponse, description: 'Inconnu (référence, identifiant, route)' },
  409: { ...errorResponse, description: 'Refusé (transition, état, règle métier) ; rien n’a changé' },
} as const;

export const str = { type: 'string' } as const;
export const nullableStr = { type: ['string', 'null'] } as const;
export const int = { type: 'integer' } as const;
export const num = { type: 'number' } as const;
export const bool = { type: 'boolean' } as const;
/** An ISO-8601 instant (UTC, from Date#toISOString). */
export const instantOut = { type: 'string', format: 'date-time' } as const;
export const nullableInstantOut = { type: ['string', 'null'], format: 'date-time' } as const;
/** A JSON value whose shape the route does not fix (free details, evidence). */
export const anyJson = {} as const;

export const stringList = { type: 'array', items: str } as const;

/** A nullable string among these values. */
export const nullableEnum = (values: readonly string[]) => ({ type: ['string', 'null'], enum: [...values, null] }) as const;

/** An object answer with these properties (others allowed: a schema never hides a field). */
export const object = <P extends Record<string, unknown>>(properties: P, description?: string) =>
  ({ type: 'object', ...(description ? { description } : {}), properties }) as const;

export const arrayOf = <I>(items: I) => ({ type: 'array', items }) as const;

// ---------------------------------------------------------------- the route schema

export interface OperationSchema {
  /** Unique camelCase name of the operation (the CLI and the console call it by this name). */
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  params?: object;
  querystring?: object;
  body?: object;
  /** The 2xx answers (status → schema); the 4xx error shape is added. */
  response: Record<number, object>;
  /** false: served without the bearer token (health, metrics). */
  secured?: boolean;
}

/** A route's Fastify schema for the OpenAPI description: the 4xx errors and the bearer token added. */
export function operation({ secured = true, response, ...rest }: OperationSchema) {
  return {
    ...rest,
    response: { ...response, ...(secured ? ERROR_RESPONSES : {}) },
    ...(secured ? {} : { security: [] }),
  };
}
