// Request schemas shared by the admin API's route families (Fastify JSON schemas, checked by ajv).

/** `:reference` path parameter of a signalisation or an announced window: letters, digits, _ and -. */
export const referenceParams = {
  type: 'object',
  additionalProperties: false,
  required: ['reference'],
  properties: { reference: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' } },
} as const;
