// What the appointment, line-test and works pages share: the profile check of a page (the same
// operation names as the SOAP profiles), Paris times for display and for datetime-local inputs,
// and a use-case fault turned into a message on the input it concerns.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EsavFault } from '../../domain/faults.js';
import { inputOfFault } from '../../domain/form-errors.js';
import { ALL_OPERATIONS } from '../../domain/identity.js';
import { instantFromParisWallTime, parisWallTime } from '../../domain/paris-calendar.js';
import type { LineTestService } from '../../application/line-tests.js';
import type { RendezVousService } from '../../application/rendezvous.js';
import type { TravauxService } from '../../application/travaux.js';
import { sendMessage, sessionOf } from './render.js';
import { serviceRefusal, type PortalServiceRules } from './service-rules.js';

/**
 * What these pages need of app.ts's PortalPageDeps (structurally the same: declared here so that
 * the family does not import app.ts, which registers it).
 */
export interface FieldServiceDeps {
  useCases: { rendezVous: RendezVousService; lineTests: LineTestService; travaux: TravauxService };
  rules: PortalServiceRules;
}

/** Whether the signed-in user's profile grants the SOAP operation. */
export function grants(request: FastifyRequest, operation: string): boolean {
  const { operations } = sessionOf(request).user;
  return operations.includes(ALL_OPERATIONS) || operations.includes(operation);
}

/** 403 with the reason unless the profile grants the operation; true when it was refused. */
export async function refusedUnlessGranted(request: FastifyRequest, reply: FastifyReply, operation: string): Promise<boolean> {
  if (grants(request, operation)) return false;
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

const DISPLAY = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });
const SHORT = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' });

/** "lundi 2 novembre 2026 à 14:00" (Paris). */
export const parisLong = (date: Date): string => DISPLAY.format(date);
/** "02/11/2026 14:00:05" (Paris). */
export const parisShort = (date: Date): string => SHORT.format(date);

const pad = (n: number) => String(n).padStart(2, '0');

/** The value of a datetime-local input showing the instant in Paris time (YYYY-MM-DDTHH:MM). */
export function parisInputValue(date: Date): string {
  const w = parisWallTime(date);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** A datetime-local (or date) input's value read as Paris wall time; undefined if malformed. */
export function parseParisInput(value: string | undefined): Date | undefined {
  const m = LOCAL_INPUT.exec((value ?? '').trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const instant = instantFromParisWallTime(year, month, day, hour, minute);
  return parisWallTime(instant).day === day ? instant : undefined;
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
