// The start banner says where the notices to the operators go (decision 0022): e-mailed through
// ESAV_SMTP_URL (its password hidden), or only kept when no SMTP server is configured.
import { loadConfig } from '../../src/composition/config/config.js';
import { startBanner } from '../../src/composition/banner.js';
import type { RunningGateway } from '../../src/composition/gateway.js';

const gateway = { url: 'https://localhost:8443', adminUrl: 'http://127.0.0.1:8444', webUrl: 'https://localhost:8445', demoAccountsFile: undefined, devPki: undefined, push: { delivery: undefined } } as unknown as RunningGateway;

describe('start banner: notices', () => {
  test('without ESAV_SMTP_URL the notices are only kept', () => {
    const banner = startBanner(loadConfig({ ESAV_ADMIN_TOKEN: 'a-token-of-sixteen-chars' }), gateway);
    expect(banner).toContain('notices to operators: kept and shown in the portal and SignalisationService v2 only — no e-mail sent (ESAV_SMTP_URL not set)');
  });

  test('with ESAV_SMTP_URL they are e-mailed, the password hidden; a bad URL is refused naming the variable', () => {
    const banner = startBanner(loadConfig({ ESAV_ADMIN_TOKEN: 'a-token-of-sixteen-chars', ESAV_SMTP_URL: 'smtp://esav:secret@mail.example:587' }), gateway);
    expect(banner).toContain('e-mailed through smtp://esav:***@mail.example:587');
    expect(banner).not.toContain('secret');
    expect(() => loadConfig({ ESAV_SMTP_URL: 'http://mail.example' })).toThrow(/ESAV_SMTP_URL/);
  });
});
