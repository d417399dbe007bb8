// Free text entering through the admin API (decision 0012): every string of a request (JSON body,
// query string, path parameters; object keys as well) must be XML 1.0 character data, since
// comments, reasons, works labels, operators' data… end up in the operators' SOAP answers. One
// preValidation hook for every route (registered on the root instance, so the route plugins
// inherit it): 400 naming the field, before the schema and before anything is stored.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { firstInvalidXmlChar, describeInvalidXmlChar } from '../../domain/xml-text.js';

/** The first string of `value` XML 1.0 refuses: its path (texte, perimetre[0].reference…) and why. */
export function findNonXmlText(value: unknown, at = ''): { field: string; problem: string } | undefined {
  if (typeof value === 'string') {
    const found = firstInvalidXmlChar(value);
    return found && { field: at, problem: describeInvalidXmlChar(found) };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = findNonXmlText(value[i], `${at}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const field = at ? `${at}.${key}` : key;
      const badKey = firstInvalidXmlChar(key);
      if (badKey) return { field: at ? `${at} (nom de champ)` : 'nom de champ', problem: describeInvalidXmlChar(badKey) };
      const found = findNonXmlText(inner, field);
      if (found) return found;
    }
  }
  return undefined;
}

const PARTS = [
  ['body', ''],
  ['query', 'paramètre '],
  ['params', 'chemin '],
] as const;

/** preValidation hook: 400 {"erreur": "requête invalide : texte : caractère interdit U+0007 …"}. */
export async function refuseNonXmlText(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  for (const [part, label] of PARTS) {
    const found = findNonXmlText(request[part]);
    if (found) {
      const field = found.field || (part === 'body' ? 'corps' : part);
      // Returning the reply ends the request here (Fastify's rule for async hooks answering early).
      return reply.code(400).send({ erreur: `requête invalide : ${label}${field} : ${found.problem}` });
    }
  }
  return undefined;
}
