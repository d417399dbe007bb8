// What the appointment, line-test and works pages share: the profile check of a page (the same
// operation names as the SOAP profiles) and a use-case fault turned into a message on the input it concerns.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EsavFault } from '../../domain/faults.js';
import { inputOfFault } from '../../domain/form-errors.js';
import type { LineTestService } from '../../application/line-tests.js';
import type { RendezVousService } from '../../application/rendezvous.js';
import type { TravauxService } from '../../application/travaux.js';
import { grants, sendMessage, sessionOf } from './render.js';
import { serviceRefusal, type PortalServiceRules } from './service-rules.js';

/**
 * What these pages need of app.ts's PortalPageDeps (structurally the same: declared here so that
 * the family does not import app.ts, which registers it).
 */
export interface FieldServiceDeps {
  useCases: { rendezVous: RendezVousService; lineTests: LineTestService; travaux: TravauxService };
  rules: PortalServiceRules;
}

/** 403 with the reason unless the profile grants the operation; true when it was refused. */
export async function refusedUnlessGranted(request: FastifyRequest, reply: FastifyReply, operation: string): Promise<boolean> {
  if (grants(sessionOf(request), operation)) return false;
  const { user } = sessionOf(request);
  await sendMessage(
    request,
    reply,
    403,
    'Action non autorisée',
    `Votre profil « ${user.profileLibelle} » n'autorise pas l'opération ${operation}. Demandez ce droit à l'administrateur de votre opérateur.`,
  );
  return true;
}

/**
 * A fault shown on a form: on its input when it names one of the form's, above the form otherwise.
 * Undefined for what is no fault of the form (other errors, maintenance, rate limit): rethrow it.
 */
export interface FormError {
  code: number;
  texte: string;
  /** The input's name, if the fault concerns one of the form's inputs. */
  champ: string | undefined;
}

export function formErrorOf(error: unknown, inputs: readonly string[]): FormError | undefined {
  // Maintenance (402) and rate limit (401) are not about the form: the error handler's page says so.
  if (!(error instanceof EsavFault) || serviceRefusal(error)) return undefined;
  return { code: error.code, texte: error.libelle, champ: inputOfFault(error.champ, { inputs }) };
}

/** "1 h 58 min", "3 min", for a number of seconds. */
export function durationText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
