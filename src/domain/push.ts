// Push notifications of ticket changes (issue 15, decision 0023): the kinds of event pushed to an
// operator's callback endpoint and the retry rule of a failed delivery (exponential backoff inside
// a retry window, then FAILED). Pure: the caller gives the instants.

export const PUSH_EVENT_KINDS = ['CHANGEMENT_ETAT', 'COMMENTAIRE_SAV', 'RENDEZ_VOUS', 'RESULTAT_TEST'] as const;
export type PushEventKind = (typeof PUSH_EVENT_KINDS)[number];

export const PUSH_EVENT_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type PushEventStatus = (typeof PUSH_EVENT_STATUSES)[number];

/** What a pushed event says besides its ticket: one block, the one of its kind. */
export type PushEventDetails =
  | { kind: 'CHANGEMENT_ETAT'; etatPrecedent: string; motif: string | null }
  | { kind: 'COMMENTAIRE_SAV'; texte: string }
  | { kind: 'RENDEZ_VOUS'; referenceRendezVous: string; typeRendezVous: string; statut: string; debut: string; fin: string }
  | { kind: 'RESULTAT_TEST'; idDemandeTest: string; typeTest: string; verdict: string; localisation: string | null };

export interface RetryPolicy {
  /** Delay after the first failed attempt; doubled after each further one. */
  baseDelayMs: number;
  /** The delay never exceeds this. */
  maxDelayMs: number;
  /** Failed attempts go on for this long after the first one, then the event is FAILED (24 h). */
  windowMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 10_000, maxDelayMs: 3_600_000, windowMs: 24 * 3_600_000 };

/**
 * After the `attempts`-th failed attempt (1 for the first) at `now`, in a window opened at
 * `windowStart`: when to try again, or `failed` when the next try would fall outside the window.
 */
export function afterFailure(
  policy: RetryPolicy,
  attempts: number,
  windowStart: Date,
  now: Date,
): { failed: true } | { failed: false; nextAttemptAt: Date } {
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const delay = Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
  const next = new Date(now.getTime() + delay);
  if (next.getTime() - windowStart.getTime() > policy.windowMs) return { failed: true };
  return { failed: false, nextAttemptAt: next };
}

/** A callback URL: https, a host, no credentials, no fragment, 2000 characters at most. */
export function callbackUrlProblem(url: string): string | undefined {
  if (url.length > 2000) return "l'URL dépasse 2000 caractères";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "l'URL n'est pas une URL absolue";
  }
  if (parsed.protocol !== 'https:') return "l'URL doit être en https://";
  if (!parsed.hostname) return "l'URL doit nommer un hôte";
  if (parsed.username || parsed.password) return "l'URL ne doit pas contenir d'identifiants";
  if (parsed.hash) return "l'URL ne doit pas contenir de fragment (#)";
  return undefined;
}
