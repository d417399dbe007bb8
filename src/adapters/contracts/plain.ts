// Helpers to read a schema-validated payload (see soap/envelope toPlain). The schema already
// guarantees presence and shape; these only give the values their TypeScript types.
import { parseXsDateTime } from '../../domain/paris-calendar.js';
import type { PlainObject, PlainValue } from '../soap/envelope.js';

export function text(o: PlainObject, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new Error(`contract mapping: ${key} is not a text element`);
  return v;
}

export function optionalText(o: PlainObject, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

export function child(o: PlainObject, key: string): PlainObject {
  const v = o[key];
  if (v === undefined || typeof v === 'string' || Array.isArray(v)) throw new Error(`contract mapping: ${key} is not a structure`);
  return v;
}

export function optionalChild(o: PlainObject, key: string): PlainObject | undefined {
  const v = o[key];
  return v === undefined || typeof v === 'string' || Array.isArray(v) ? undefined : v;
}

/** A repeated element as a list (one occurrence is not an array in the plain form). */
export function list(o: PlainObject | undefined, key: string): PlainObject[] {
  const v: PlainValue | undefined = o?.[key];
  if (v === undefined) return [];
  const items = Array.isArray(v) ? v : [v];
  return items.filter((i): i is PlainObject => typeof i === 'object' && !Array.isArray(i));
}

/** xs:dateTime to Date (the schema validated the lexical form); no time zone means Europe/Paris. */
export function dateTime(value: string): Date {
  return parseXsDateTime(value);
}
