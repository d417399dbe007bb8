// Domain "test" (TestService v1, asynchronous): the tests open on an activated line → a test
// request (answered at once, EN_ATTENTE) → polling of the result until TERMINE or ECHEC within a
// bounded wait; then the negative cases 101, 300, 201.
import { asList, check, expectSame, Failure, instant, isTrue, otherOperatorCode, unknownPrestation, type Scenario } from '../scenario.js';

const T = 'test' as const;
const VERDICTS = ['OK', 'KO', 'INDETERMINE'];

export const testScenarios: Scenario[] = [
  {
    id: 'test.disponibles',
    domain: 'test',
    title: 'Tests ouverts sur une ligne activée (listerTestsDisponibles)',
    calls: [{ service: T, operation: 'listerTestsDisponibles', outcome: 'ok' }],
    async run(ctx) {
      const o = ctx.options;
      const answer = await ctx.call(T, 'listerTestsDisponibles', { identifiantPrestation: o.prestationTest });
      expectSame('listerTestsDisponibles : identifiantPrestation', o.prestationTest, answer?.identifiantPrestation);
      const tests = asList<any>(answer?.test).map((t) => ({ typeTest: String(t.typeTest), actionSurReseau: isTrue(t.actionSurReseau) }));
      check(tests.length > 0, `listerTestsDisponibles : aucun test ouvert sur ${o.prestationTest}`);
      let typeTest = o.typeTest;
      if (typeTest) {
        check(tests.some((t) => t.typeTest === typeTest), `test ${typeTest} non ouvert sur ${o.prestationTest} (ouverts : ${tests.map((t) => t.typeTest).join(', ')})`);
      } else {
        // Never act on the operator's line by default (REINITIALISATION_PORT resets a port).
        typeTest = tests.find((t) => !t.actionSurReseau)?.typeTest;
        check(typeTest, `aucun test en lecture seule sur ${o.prestationTest} : choisir avec --type-test`);
      }
      ctx.shared.test = { typeTest };
      return `offre ${String(answer.offre)} : ${tests.map((t) => t.typeTest).join(', ')} ; test choisi ${typeTest}`;
    },
  },
  {
    id: 'test.demande',
    domain: 'test',
    title: 'Demande de test, réponse immédiate EN_ATTENTE (demanderTest)',
    calls: [{ service: T, operation: 'demanderTest', outcome: 'ok' }],
    needs: ['test.disponibles'],
    async run(ctx) {
      const test = ctx.shared.test!;
      const ack = await ctx.call(T, 'demanderTest', { identifiantPrestation: ctx.options.prestationTest, typeTest: test.typeTest });
      check(typeof ack?.idDemandeTest === 'string' && ack.idDemandeTest.length > 0, 'demanderTest : idDemandeTest absent');
      expectSame('demanderTest : statut', 'EN_ATTENTE', ack.statut);
      test.idDemandeTest = ack.idDemandeTest;
      return `${ack.idDemandeTest} ${test.typeTest} en EN_ATTENTE`;
    },
  },
  {
    id: 'test.resultat',
    domain: 'test',
    title: 'Résultat du test, interrogé jusqu’à TERMINE ou ECHEC (consulterResultatTest)',
    calls: [{ service: T, operation: 'consulterResultatTest', outcome: 'ok' }],
    needs: ['test.demande'],
    async run(ctx) {
      const { idDemandeTest, typeTest } = ctx.shared.test!;
      const deadline = Date.now() + ctx.options.testWaitMs;
      let polls = 0;
      for (;;) {
        const result = await ctx.call(T, 'consulterResultatTest', { idDemandeTest });
        polls += 1;
        expectSame('consulterResultatTest : idDemandeTest', idDemandeTest, result?.idDemandeTest);
        expectSame('consulterResultatTest : typeTest', typeTest, result?.typeTest);
        check(instant(result?.dateDemande), 'consulterResultatTest : dateDemande absente');
        if (result.statut === 'TERMINE') {
          check(VERDICTS.includes(result.verdict), `consulterResultatTest : test TERMINE sans verdict valide (${String(result.verdict)})`);
          const mesures = asList<any>(result.mesures?.mesure);
          ctx.note(`mesures : ${mesures.map((m) => `${m.nom}=${m.valeur}${m.unite ? ` ${m.unite}` : ''}`).join(', ') || 'aucune'}`);
          return `TERMINE, verdict ${result.verdict}${result.localisationProbable ? ` (${result.localisationProbable})` : ''}, ${mesures.length} mesure(s), ${polls} interrogation(s)`;
        }
        if (result.statut === 'ECHEC') {
          ctx.note(`le test n’a pas pu être mené (ECHEC${result.motifEchec ? ` : ${result.motifEchec}` : ''}) ; l’intégration a bien lu un statut final`);
          return `ECHEC lu après ${polls} interrogation(s)`;
        }
        check(result.statut === 'EN_ATTENTE' || result.statut === 'EN_COURS', `consulterResultatTest : statut ${String(result.statut)} inconnu`);
        if (Date.now() + ctx.options.testPollMs > deadline) {
          throw new Failure(`pas de statut final après ${Math.round(ctx.options.testWaitMs / 1000)} s (dernier statut ${result.statut}, ${polls} interrogation(s)) — allonger --attente-test`);
        }
        await new Promise((resolve) => setTimeout(resolve, ctx.options.testPollMs));
      }
    },
  },
  {
    id: 'test.negatif-schema',
    domain: 'test',
    title: 'Cas négatif : type de test hors schéma → faute 101',
    calls: [{ service: T, operation: 'demanderTest', outcome: 'fault:101' }],
    async run(ctx) {
      const fault = await ctx.expectFault(T, 'demanderTest', { identifiantPrestation: ctx.options.prestationTest, typeTest: 'TEST_INCONNU' }, 101);
      check(fault.champ?.includes('typeTest'), `faute 101 sans le champ en cause (attendu : …/typeTest, reçu : ${fault.champ ?? 'aucun'})`);
      return `faute 101 sur ${fault.champ}`;
    },
  },
  {
    id: 'test.negatif-prestation',
    domain: 'test',
    title: 'Cas négatif : prestation inconnue → faute 300',
    calls: [{ service: T, operation: 'listerTestsDisponibles', outcome: 'fault:300' }],
    async run(ctx) {
      const fault = await ctx.expectFault(T, 'listerTestsDisponibles', { identifiantPrestation: unknownPrestation(ctx.runTag) }, 300);
      return `faute 300 : ${fault.libelle}`;
    },
  },
  {
    id: 'test.negatif-operateur',
    domain: 'test',
    title: 'Cas négatif : codeOperateur d’un autre opérateur → faute 201',
    calls: [{ service: T, operation: 'listerTestsDisponibles', outcome: 'fault:201' }],
    async run(ctx) {
      const other = otherOperatorCode(ctx.options.operatorCode);
      const fault = await ctx.expectFault(T, 'listerTestsDisponibles', { identifiantPrestation: ctx.options.prestationTest }, 201, {
        header: { codeOperateur: other },
      });
      return `faute 201 avec codeOperateur ${other} : ${fault.libelle}`;
    },
  },
];
