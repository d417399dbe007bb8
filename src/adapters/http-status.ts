// The one mapping from the use cases' error kinds (src/application/errors.ts) to HTTP statuses,
// shared by the two HTTP adapters that answer {"erreur": message}: the admin API and the
// conformance campaign routes of the operators' front.
import type { ErrorKind } from '../application/errors.js';

export const HTTP_STATUS_OF_KIND: Readonly<Record<ErrorKind, 400 | 403 | 404 | 409>> = {
  invalid: 400,
  'not-found': 404,
  refused: 409,
  forbidden: 403,
};

export const httpStatusOf = (kind: ErrorKind): 400 | 403 | 404 | 409 => HTTP_STATUS_OF_KIND[kind];
