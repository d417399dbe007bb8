// Line-test use cases (spec §2.5): the tests open for a prestation, a test request (answered at
// once: the test runs later on a worker, through the durable queue), its result. No XML, no SQL.
import { randomUUID } from 'node:crypto';
import type { Catalogue, Offer } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { EsavFault } from '../domain/faults.js';
import { assertTestAvailable, availableTests, TEST_DESCRIPTIONS, type TypeTest } from '../domain/line-tests.js';
import type { LineTest, LineTestJobs, LineTestRepository } from './line-test-ports.js';
import type { Prestation, PrestationRepository, SignalisationRepository } from './signalisation-ports.js';
import type { Caller, LinkedTestReader } from './signalisation.js';

export interface TestDisponible {
  typeTest: TypeTest;
  libelle: string;
  actionSurReseau: boolean;
}

export interface AvailableTests {
  identifiantPrestation: string;
  offre: string;
  tests: TestDisponible[];
}

export interface PrestationSuggestion {
  identifiantPrestation: string;
  offre: string;
}

/** The most suggestions one call answers. */
export const SUGGESTION_LIMIT = 20;

/** What an identifier of prestation may start with (the contracts' IdentifiantPrestation, ≤ 64). */
const IDENTIFIER_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface TestRequest {
  identifiantPrestation: string;
  typeTest: TypeTest;
  referenceSignalisation?: string;
}

export interface TestAcknowledgement {
  idDemandeTest: string;
  statut: 'EN_ATTENTE';
  dateDemande: Date;
}

export interface LineTestServiceDeps {
  catalogue: Catalogue;
  clock: Clock;
  prestations: PrestationRepository;
  signalisations: Pick<SignalisationRepository, 'find'>;
  tests: LineTestRepository;
  jobs: LineTestJobs;
}

export class LineTestService {
  constructor(private readonly deps: LineTestServiceDeps) {}

  async available(caller: Caller, identifiantPrestation: string): Promise<AvailableTests> {
    const { prestation, offer } = await this.prestationOf(caller, identifiantPrestation);
    assertTestAvailable(offer);
    return {
      identifiantPrestation: prestation.identifiant,
      offre: offer.code,
      tests: availableTests(offer).map((typeTest) => ({ typeTest, ...TEST_DESCRIPTIONS[typeTest] })),
    };
  }

  /**
   * Suggestions while an agent types a prestation's identifier: at most SUGGESTION_LIMIT (or
   * `limit`, if lower) of the caller's prestations on which a test can be asked (those of the
   * activated offers) whose identifier starts with `prefix`. Never the whole list: an operator may
   * have millions. A prefix that no identifier can start with (empty, other characters) suggests
   * nothing, without reading.
   */
  async suggestTestablePrestations(caller: Caller, prefix: string, limit: number = SUGGESTION_LIMIT): Promise<PrestationSuggestion[]> {
    if (!IDENTIFIER_PREFIX.test(prefix)) return [];
    const offers = [...this.deps.catalogue.offers.values()].filter((o) => availableTests(o).length > 0).map((o) => o.code);
    const found = await this.deps.prestations.suggestForOperator(caller.operatorCode, offers, prefix, Math.min(Math.max(limit, 0), SUGGESTION_LIMIT));
    return found.map((p) => ({ identifiantPrestation: p.identifiant, offre: p.offerCode }));
  }

  /**
   * Records the request and enqueues its job in one transaction, then answers at once
   * (EN_ATTENTE): never waits for the network.
   */
  async request(caller: Caller, request: TestRequest): Promise<TestAcknowledgement> {
    const { prestation, offer } = await this.prestationOf(caller, request.identifiantPrestation);
    assertTestAvailable(offer, request.typeTest);
    let signalisationId: number | undefined;
    if (request.referenceSignalisation !== undefined) {
      const signalisation = await this.deps.signalisations.find(caller.operatorCode, { referenceSignalisation: request.referenceSignalisation });
      if (!signalisation) throw new EsavFault(310, undefined, { champ: 'referenceSignalisation' });
      if (signalisation.prestationId !== prestation.identifiant) {
        throw new EsavFault(330, `La signalisation ${signalisation.reference} porte sur une autre prestation que ${prestation.identifiant}`, {
          champ: 'referenceSignalisation',
        });
      }
      signalisationId = signalisation.id;
    }
    const jobId = randomUUID();
    const { jobs } = this.deps;
    const test = await this.deps.tests.create(
      {
        operatorCode: caller.operatorCode,
        prestationId: prestation.identifiant,
        offerCode: offer.code,
        typeTest: request.typeTest,
        ...(signalisationId !== undefined ? { signalisationId } : {}),
        requestedAt: this.deps.clock.now(),
        jobId,
      },
      (executor, created) => jobs.enqueueInTransaction(executor, { jobId, testId: created.id }),
    );
    jobs.wake();
    return { idDemandeTest: test.reference, statut: 'EN_ATTENTE', dateDemande: test.requestedAt };
  }

  /** The caller's test; unknown and another operator's answer the same fault 331. */
  async result(caller: Caller, idDemandeTest: string): Promise<LineTest> {
    const test = await this.deps.tests.find(caller.operatorCode, idDemandeTest);
    if (!test) throw new EsavFault(331, `Demande de test ${idDemandeTest} inconnue`, { champ: 'idDemandeTest' });
    return test;
  }

  private async prestationOf(caller: Caller, identifiantPrestation: string): Promise<{ prestation: Prestation; offer: Offer }> {
    const prestation = await this.deps.prestations.findForOperator(caller.operatorCode, identifiantPrestation);
    if (!prestation) {
      throw new EsavFault(300, `Identifiant de prestation ${identifiantPrestation} inconnu`, { champ: 'identifiantPrestation' });
    }
    const offer = this.deps.catalogue.offers.get(prestation.offerCode);
    if (!offer) throw new EsavFault(330, `Offre ${prestation.offerCode} sans test disponible`, { champ: 'identifiantPrestation' });
    return { prestation, offer };
  }
}

/** What the signalisation use cases read of the line tests: the prior test of a deposit, a ticket's tests. */
export function lineTestReader(tests: LineTestRepository): LinkedTestReader {
  return {
    async priorTest(operatorCode, idDemandeTest) {
      const test = await tests.find(operatorCode, idDemandeTest);
      return test && { reference: test.reference, prestationId: test.prestationId, statut: test.statut, verdict: test.verdict, completedAt: test.completedAt };
    },
    async forSignalisation(signalisation) {
      const linked = await tests.linkedTo(signalisation);
      return linked.map((t) => ({ idDemandeTest: t.reference, typeTest: t.typeTest, statut: t.statut, verdict: t.verdict, dateDemande: t.requestedAt }));
    },
  };
}
