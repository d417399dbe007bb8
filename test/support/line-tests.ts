// Helpers of the line-test integration tests: queue and simulator settings that keep the suite
// fast, and polling of a test until it is finished.
import type soap from 'soap';

/** Fast queue and simulator settings for a test gateway (poll 0.5 s, maintenance 1 s, 20 ms answers). */
export const FAST_TESTS_ENV: Record<string, string> = {
  ESAV_SIMULATOR_LATENCY_MS: '20',
  ESAV_QUEUE_POLL_MS: '500',
  ESAV_QUEUE_MAINTENANCE_SECONDS: '1',
  ESAV_TEST_RETRY_DELAY_SECONDS: '0',
  ESAV_TEST_TIMEOUT_SECONDS: '5',
  ESAV_TEST_STOP_GRACE_MS: '2000',
};

/** The request header of TestService v1 (node-soap sends it verbatim). */
export function enteteTest(codeOperateur: string): string {
  return (
    '<com:enteteRequete xmlns:com="urn:esav:commun:v1">' +
    '<com:versionWS>1</com:versionWS>' +
    `<com:horodatageRequete>${new Date().toISOString()}</com:horodatageRequete>` +
    `<com:codeOperateur>${codeOperateur}</com:codeOperateur>` +
    '</com:enteteRequete>'
  );
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Polls consulterResultatTest until the test is TERMINE or ECHEC; returns the last answer. */
export async function pollResult(client: soap.Client, idDemandeTest: string, timeoutMs = 20_000): Promise<any> {
  return waitFor(
    `test ${idDemandeTest}`,
    async () => {
      const [result] = await client.consulterResultatTestAsync({ idDemandeTest });
      return result.statut === 'TERMINE' || result.statut === 'ECHEC' ? result : undefined;
    },
    timeoutMs,
    150,
  );
}
