// The provider's after-sales back office (SAV): moves signalisations through their states,
// writes comments restituted to the operator, and the system sweep to CLOS_TABLEAU_DE_BORD.
// Used by the admin API (src/adapters/admin-api/app.ts) behind the support command line and the
// console. A move or comment keeps SAV as the ticket's actor (the contract's history) and writes the
// support staff member (`agent`) to the audit log in the same transaction as the change.
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import { TransitionRefused, type Attente, type Etat } from '../domain/signalisation.js';
import { UseCaseError } from './errors.js';
import { transitionChange } from './lifecycle.js';
import type { PrestationRepository, Signalisation, SignalisationRepository } from './signalisation-ports.js';
import { detailOf, type SignalisationDetail } from './signalisation.js';

export interface BackOfficeTransition {
  etat: Etat;
  motif?: string;
  causeCloture?: string;
  attente?: Attente;
}

export interface BackOfficeDeps {
  catalogue: Catalogue;
  prestations: PrestationRepository;
  signalisations: SignalisationRepository;
  clock: Clock;
  calendar: HolidayCalendar;
  /** How long CLOS/VALIDE tickets stay modifiable before the sweep files them (ms). */
  dashboardDelayMs: number;
}

const byReference = (reference: string) => ({ referenceSignalisation: reference });

export class BackOfficeService {
  constructor(private readonly deps: BackOfficeDeps) {}

  async detail(reference: string): Promise<SignalisationDetail> {
    const signalisation = await this.deps.signalisations.find(null, byReference(reference));
    if (!signalisation) throw unknown(reference);
    return detailOf(this.deps, signalisation);
  }

  async list(operatorCode: string, etats: Etat[], limit: number): Promise<Signalisation[]> {
    return this.deps.signalisations.list(operatorCode, { etats, closedNotBefore: new Date(0) }, undefined, limit);
  }

  /**
   * A state change by the SAV on behalf of `agent` (audited: reference, from/to state, motif,
   * closing cause, wait); an invalid one is refused with the reason (kind refused), nothing written.
   */
  async transition(agent: string, reference: string, request: BackOfficeTransition): Promise<Signalisation> {
    const now = this.deps.clock.now();
    const updated = await this.deps.signalisations
      .update(null, byReference(reference), (current) => ({
        ...transitionChange(
          current,
          {
            to: request.etat,
            by: 'SAV',
            ...(request.motif ? { motif: request.motif } : {}),
            ...(request.causeCloture ? { causeCloture: request.causeCloture } : {}),
            ...(request.attente ? { attente: request.attente } : {}),
          },
          now,
          this.deps,
        ),
        audit: {
          at: now,
          actor: agent,
          action: 'SIGNALISATION_ETAT_MODIFIE',
          details: {
            reference,
            de: current.etat,
            vers: request.etat,
            motif: request.motif ?? null,
            ...(request.causeCloture ? { causeCloture: request.causeCloture } : {}),
            ...(request.attente ? { attente: request.attente } : {}),
          },
        },
      }))
      .catch(asRefusal);
    if (!updated) throw unknown(reference);
    return updated;
  }

  /**
   * A comment of the SAV on behalf of `agent`, restituted to the operator in the detail. The audit
   * entry holds its length, not its text (it may carry personal data; the text is in the ticket).
   */
  async comment(agent: string, reference: string, texte: string): Promise<Signalisation> {
    if (texte.trim() === '' || texte.length > 2000) throw new UseCaseError('invalid', 'le commentaire doit faire de 1 à 2000 caractères');
    const now = this.deps.clock.now();
    const updated = await this.deps.signalisations.update(null, byReference(reference), () => ({
      comment: { at: now, author: 'SAV', texte },
      audit: { at: now, actor: agent, action: 'SIGNALISATION_COMMENTEE', details: { reference, longueur: texte.length } },
    }));
    if (!updated) throw unknown(reference);
    return updated;
  }

  /**
   * Files CLOS and VALIDE signalisations closed for longer than the dashboard delay
   * (CLOS_TABLEAU_DE_BORD, by SYSTEME). Safe with several gateway processes: each ticket is
   * changed under its row lock, and one already filed by another process is skipped.
   */
  async sweep(batch = 500): Promise<string[]> {
    const now = this.deps.clock.now();
    const due = await this.deps.signalisations.closedBefore(new Date(now.getTime() - this.deps.dashboardDelayMs), batch);
    const moved: string[] = [];
    for (const reference of due) {
      try {
        await this.deps.signalisations.update(null, byReference(reference), (current) =>
          transitionChange(current, { to: 'CLOS_TABLEAU_DE_BORD', by: 'SYSTEME', motif: 'Délai du tableau de bord écoulé' }, now, this.deps),
        );
        moved.push(reference);
      } catch (error) {
        if (!(error instanceof TransitionRefused)) throw error;
      }
    }
    return moved;
  }
}

function unknown(reference: string): UseCaseError {
  return new UseCaseError('not-found', `signalisation ${reference} inconnue`);
}

function asRefusal(error: unknown): never {
  if (error instanceof TransitionRefused) throw new UseCaseError('refused', `refusé : ${error.message}`);
  throw error;
}
