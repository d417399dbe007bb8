// The contract's minimum notice periods (src/domain/notices.ts, decision 0022), on the Paris
// calendar with the French public holidays: works two working days, rate limit the day before,
// certificate 15 working days before expiry, web-service changes 15 days / 2 months / 6 months,
// forms 2 months; and the French texts of a notice's e-mail.
import { frenchPublicHolidays } from '../../src/domain/holidays.js';
import { earliestEffect, frenchDateTime, latestAnnouncement, noticeDraftErrors, noticeIdOf, noticeMail, noticeReference, noticeShortfall, ruleOf, type Notice } from '../../src/domain/notices.js';

const calendar = frenchPublicHolidays();
const at = (iso: string) => new Date(iso);

describe('notice periods', () => {
  test('works on e-SAV: two working days of working time (Friday → Tuesday, holidays skipped)', () => {
    expect(earliestEffect('TRAVAUX_DEUX_JOURS_OUVRES', at('2026-11-27T10:00:00+01:00'), calendar)).toEqual(at('2026-12-01T10:00:00+01:00'));
    // 11 November (Wednesday) is a public holiday: from Tuesday 10 at 10:00, Friday 13 at 10:00.
    expect(earliestEffect('TRAVAUX_DEUX_JOURS_OUVRES', at('2026-11-10T10:00:00+01:00'), calendar)).toEqual(at('2026-11-13T10:00:00+01:00'));
    const short = noticeShortfall('TRAVAUX_DEUX_JOURS_OUVRES', at('2026-11-27T10:00:00+01:00'), at('2026-12-01T09:59:00+01:00'), calendar);
    expect(short?.rule).toBe('TRAVAUX_DEUX_JOURS_OUVRES');
    expect(short?.message).toContain('art. 10.2');
    expect(short?.message).toContain('01/12/2026 à 10h00');
    expect(noticeShortfall('TRAVAUX_DEUX_JOURS_OUVRES', at('2026-11-27T10:00:00+01:00'), at('2026-12-01T10:00:00+01:00'), calendar)).toBeUndefined();
  });

  test('rate limit: a day ahead', () => {
    expect(noticeShortfall('LIMITE_LA_VEILLE', at('2026-11-25T10:00:00+01:00'), at('2026-11-26T09:59:00+01:00'), calendar)?.rule).toBe('LIMITE_LA_VEILLE');
    expect(noticeShortfall('LIMITE_LA_VEILLE', at('2026-11-25T10:00:00+01:00'), at('2026-11-26T10:00:00+01:00'), calendar)).toBeUndefined();
  });

  test('certificate: announced at the latest at the end of the Paris day 15 working days before the expiry day', () => {
    // Expiry Thursday 10 December 2026: 15 working days before is Thursday 19 November.
    expect(latestAnnouncement('CERTIFICAT_QUINZE_JOURS_OUVRES', at('2026-12-10T12:00:00+01:00'), calendar)).toEqual(at('2026-11-19T23:59:59.999+01:00'));
  });

  test('web-service changes and forms: 15 calendar days, 2 months, 6 months', () => {
    const now = at('2026-11-25T10:00:00+01:00');
    expect(ruleOf('VERSION_WEB_SERVICE', 'ACCES')).toBe('WS_ACCES_QUINZE_JOURS');
    expect(ruleOf('VERSION_WEB_SERVICE', 'MINEURE')).toBe('WS_MINEURE_DEUX_MOIS');
    expect(ruleOf('VERSION_WEB_SERVICE')).toBe('WS_MAJEURE_SIX_MOIS');
    expect(ruleOf('AUTRE')).toBeUndefined();
    expect(earliestEffect('WS_ACCES_QUINZE_JOURS', now, calendar)).toEqual(at('2026-12-10T10:00:00+01:00'));
    expect(earliestEffect('WS_MINEURE_DEUX_MOIS', now, calendar)).toEqual(at('2027-01-25T10:00:00+01:00'));
    expect(earliestEffect('FORMULAIRE_DEUX_MOIS', now, calendar)).toEqual(at('2027-01-25T10:00:00+01:00'));
    // Six months later is summer time: the same Paris wall-clock time.
    expect(earliestEffect('WS_MAJEURE_SIX_MOIS', now, calendar)).toEqual(at('2027-05-25T10:00:00+02:00'));
  });
});

describe('notices', () => {
  test('references, draft errors naming the field, French e-mail text', () => {
    expect(noticeReference(42)).toBe('AV-000042');
    expect(noticeIdOf('AV-000042')).toBe(42);
    expect(noticeIdOf('x')).toBeUndefined();
    expect(noticeDraftErrors({ kind: 'AUTRE', operatorCodes: ['opa1'], title: ' ', body: 'ok', startsAt: null, endsAt: null })).toEqual([
      'titre : 1 à 200 caractères',
      'operateurs : code opa1 invalide (4 caractères)',
    ]);
    const notice: Notice = {
      id: 7,
      kind: 'TRAVAUX_ESAV',
      operatorCodes: null,
      title: 'Travaux',
      body: 'Le service répondra 402.',
      publishedAt: at('2026-11-25T10:00:00+01:00'),
      startsAt: at('2026-12-10T22:00:00+01:00'),
      endsAt: at('2026-12-10T23:30:00+01:00'),
      createdBy: 'e-SAV',
      forcedRule: null,
      withdrawnAt: null,
    };
    const mail = noticeMail(notice, 'Opérateur A');
    expect(mail.subject).toBe('[e-SAV] Travaux sur e-SAV : Travaux');
    expect(mail.text).toContain('l’équipe e-SAV informe Opérateur A');
    expect(mail.text).toContain('Du 10/12/2026 à 22h00 au 10/12/2026 à 23h30 (heure de Paris).');
    expect(mail.text).toContain('Référence de l’avis : AV-000007, publié le 25/11/2026 à 10h00.');
    expect(frenchDateTime(at('2027-07-01T08:05:00Z'))).toBe('01/07/2027 à 10h05');
  });
});
