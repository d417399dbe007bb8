// Refusals of the use cases, by kind: what is wrong in the caller's terms, never how a transport
// says it. Each adapter maps the kind to its own answer: the admin API and the operators' HTTPS
// front through src/adapters/http-status.ts (HTTP status and {"erreur": message}); the support
// command line reads the status the admin API answers. The message is French, for the person who
// made the request, and is sent as it is.
//
//   invalid    the request itself is malformed or out of range (a field, a date, a size);
//   not-found  it names something that does not exist (or that the caller may not see);
//   refused    it is well formed and names existing things, but the current state or a business
//              rule refuses it (a transition, a duplicate, a revoked certificate, a short notice);
//   forbidden  the caller's identity does not entitle it to this (another operator's campaign).
export type ErrorKind = 'invalid' | 'not-found' | 'refused' | 'forbidden';

export class UseCaseError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'UseCaseError';
  }
}

export const isUseCaseError = (value: unknown): value is UseCaseError => value instanceof UseCaseError;
