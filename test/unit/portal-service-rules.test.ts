// A portal action obeys maintenance and rate limits before anything is done, and is counted in the
// volumetry under its SOAP operation when answered.
import { EsavFault } from '../../src/domain/faults.js';
import { serviceRefusal, underServiceRules, type PortalServiceRules } from '../../src/adapters/web-portal/service-rules.js';

const at = new Date('2026-03-02T09:00:00+01:00');

function rules(options: { maintenance?: boolean; limited?: boolean } = {}) {
  const counted: Array<{ operation: string | undefined; outcome: string }> = [];
  const r: PortalServiceRules = {
    clock: { now: () => at },
    maintenance: { assertOpen: () => { if (options.maintenance) throw new EsavFault(402, 'Maintenance jusqu’à 04:00'); } },
    rateLimits: { admit: () => { if (options.limited) throw new EsavFault(401); } },
    volumetry: { count: (c) => counted.push({ operation: c.operation, outcome: c.outcome }) },
  };
  return { r, counted };
}

test('an answered action is counted as its SOAP operation, a use-case fault with its code', async () => {
  const { r, counted } = rules();
  await expect(underServiceRules(r, 'OPA1', 'deposerSignalisation', async () => 'SIG-1')).resolves.toBe('SIG-1');
  await expect(underServiceRules(r, 'OPA1', 'deposerSignalisation', async () => { throw new EsavFault(303); })).rejects.toThrow(EsavFault);
  expect(counted).toEqual([{ operation: 'deposerSignalisation', outcome: 'ok' }, { operation: 'deposerSignalisation', outcome: '303' }]);
});

test('during maintenance or over the rate limit nothing is done and a page explains it', async () => {
  for (const [options, status] of [[{ maintenance: true }, 503], [{ limited: true }, 429]] as const) {
    const { r } = rules(options);
    let done = false;
    const refused = await underServiceRules(r, 'OPA1', 'demanderTest', async () => { done = true; }).catch((e: unknown) => e);
    expect(done).toBe(false);
    expect(serviceRefusal(refused)?.status).toBe(status);
  }
  expect(serviceRefusal(new Error('x'))).toBeUndefined();
});
