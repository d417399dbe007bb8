// Opaque keyset cursors: the operator gives back curseurSuivant as received. The content (the
// last row's position) is encoded, not secret: a forged cursor can only move within the
// caller's own signalisations, since every query is filtered by operator.
import { EsavFault } from '../domain/faults.js';
import type { PagePosition } from './signalisation-ports.js';

export type CursorKind = 'L' | 'H';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function encodeCursor(kind: CursorKind, position: PagePosition): string {
  const payload = { k: kind, i: position.id, ...(position.at ? { t: position.at.getTime() } : {}) };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeCursor(kind: CursorKind, cursor: string): PagePosition {
  const invalid = () => new EsavFault(101, 'Curseur invalide : redonnez curseurSuivant tel que reçu', { champ: 'curseur' });
  let payload: { k?: unknown; i?: unknown; t?: unknown };
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    throw invalid();
  }
  // History pages are ordered by closing date: their cursor must carry it.
  const needsTime = kind === 'H';
  if (payload.k !== kind || !Number.isSafeInteger(payload.i) || (needsTime ? !Number.isSafeInteger(payload.t) : payload.t !== undefined)) {
    throw invalid();
  }
  return { id: payload.i as number, ...(payload.t !== undefined ? { at: new Date(payload.t as number) } : {}) };
}

/** The size of a page: `requested` (a whole number) within [1, max], `fallback` when absent. */
export function pageSize(requested: number | undefined, bounds: { fallback: number; max: number } = { fallback: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE }): number {
  return Math.min(Math.max(Math.trunc(requested ?? bounds.fallback), 1), bounds.max);
}

/**
 * A keyset page from rows read with one extra (`limit + 1`): the first `limit`, and the key of
 * the last of them when more follow (where the next page starts).
 */
export function keysetPage<T, K>(rows: readonly T[], limit: number, keyOf: (last: T) => K): { items: T[]; next: K | undefined } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last !== undefined ? keyOf(last) : undefined };
}
