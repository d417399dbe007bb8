// Pure rules of operator administration (issue 6): the order form and its SIRET Luhn key, the
// renewal calendar in working days across French public holidays, the 30-day switch notice,
// what a promotion needs.
import { fixedHolidayCalendar, frenchPublicHolidays, NO_HOLIDAYS } from '../../src/domain/holidays.js';
import {
  checkBonDeCommande,
  isDueForRenewal,
  isValidSiret,
  missingConformance,
  normalisePhone,
  renewalDueDay,
  switchWarning,
  workingDaysBefore,
  type BonDeCommandeSaisi,
} from '../../src/domain/operators.js';

const FR = frenchPublicHolidays();

describe('SIRET', () => {
  test.each([
    ['73282932000074', true],
    ['44306184100047', true],
    ['73282932000075', false],
    ['44306184100048', false],
    ['4430618410004', false],
    ['4430618410004A', false],
    // La Poste: not Luhn, but the sum of its digits is a multiple of 5.
    ['35600000049837', true],
    ['35600000049838', false],
  ])('%s → %s', (siret, valid) => {
    expect(isValidSiret(siret)).toBe(valid);
  });
});

describe('order form', () => {
  const complete: BonDeCommandeSaisi = {
    codeOperateur: 'OPX1',
    referenceContrat: 'CG2026-0042-ESAV',
    numeroAffaire: 'AFF-2026-118',
    raisonSociale: '  Fibre Express SAS ',
    siret: '732 829 320 00074',
    representant: 'Jeanne Dupont',
    telephone: '01.23.45.67.89',
    email: 'direction@fibre-express.example',
    adresse: ['12 rue des Réseaux', '', '69002 Lyon'],
    acces: 'INTEGRE',
  };

  test('a complete form: trimmed, SIRET and phone without separators, empty address lines dropped, no contact', () => {
    expect(checkBonDeCommande(complete)).toEqual({
      ok: true,
      value: {
        codeOperateur: 'OPX1',
        referenceContrat: 'CG2026-0042-ESAV',
        numeroAffaire: 'AFF-2026-118',
        raisonSociale: 'Fibre Express SAS',
        siret: '73282932000074',
        representant: 'Jeanne Dupont',
        telephone: '0123456789',
        email: 'direction@fibre-express.example',
        adresse: ['12 rue des Réseaux', '69002 Lyon'],
        contactEsav: null,
        acces: 'INTEGRE',
        commentaires: null,
      },
    });
  });

  test('an empty form lists every mandatory field', () => {
    const check = checkBonDeCommande({});
    expect(check.ok).toBe(false);
    expect(!check.ok && check.errors).toEqual([
      'Code opérateur (codeOperateur) : obligatoire',
      'Référence du contrat (referenceContrat) : obligatoire',
      'Numéro d’affaire (numeroAffaire) : obligatoire',
      'Raison sociale (raisonSociale) : obligatoire',
      'SIRET (siret) : obligatoire',
      'Représentant (representant) : obligatoire',
      'Téléphone (telephone) : obligatoire',
      'E-mail (email) : obligatoire',
      'Adresse postale (adresse) : obligatoire (1 à 3 lignes)',
      'Accès demandé (acces) : obligatoire (EN_LIGNE, INTEGRE, LES_DEUX)',
    ]);
  });

  test.each([
    [{ codeOperateur: 'OPX12' }, 'Code opérateur (codeOperateur) : 4 caractères au plus'],
    [{ codeOperateur: 'opx1' }, 'Code opérateur (codeOperateur) : 4 caractères parmi A-Z et 0-9 attendus, reçu « opx1 »'],
    [{ referenceContrat: 'CG2026-0042' }, 'Référence du contrat (referenceContrat) : format <REF CG>-ESAV attendu (ex. CG2026-0042-ESAV), reçu « CG2026-0042 »'],
    [{ siret: '7328293200007' }, 'SIRET (siret) : 14 chiffres attendus, reçu « 7328293200007 »'],
    [{ siret: '73282932000075' }, 'SIRET (siret) : clé de contrôle invalide (73282932000075 ne satisfait pas la formule de Luhn)'],
    [{ telephone: '+33 1' }, 'Téléphone (telephone) : numéro invalide « +33 1 » (ex. 01 23 45 67 89 ou +33123456789)'],
    [{ email: 'a@b' }, 'E-mail (email) : adresse e-mail invalide « a@b »'],
    [{ adresse: ['1', '2', '3', '4'] }, 'Adresse postale (adresse) : 3 lignes au plus, reçu 4'],
    [{ adresse: '1 rue X' }, 'Adresse postale (adresse) : une liste de lignes attendue'],
    [{ acces: 'PORTAIL' }, 'Accès demandé (acces) : EN_LIGNE, INTEGRE, LES_DEUX attendu, reçu « PORTAIL »'],
    [{ contactEsav: { nom: 'Paul Martin' } }, 'Contact e-SAV : fonction (contactEsav.fonction) : obligatoire'],
    [{ commentaires: 'x'.repeat(2001) }, 'Commentaires (commentaires) : 2000 caractères au plus'],
  ])('%j → refused', (change, message) => {
    const check = checkBonDeCommande({ ...complete, ...change });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.errors).toContain(message);
  });

  test('a 3-character code is refused with the pattern message', () => {
    const check = checkBonDeCommande({ ...complete, codeOperateur: 'OPX' });
    expect(!check.ok && check.errors).toEqual(['Code opérateur (codeOperateur) : 4 caractères parmi A-Z et 0-9 attendus, reçu « OPX »']);
  });

  test('a designated contact is complete or absent', () => {
    const contact = { nom: 'Paul Martin', fonction: 'Responsable SAV', telephone: '+33 4 72 00 00 00', email: 'sav@fx.example' };
    const check = checkBonDeCommande({ ...complete, contactEsav: contact });
    expect(check.ok && check.value.contactEsav).toEqual({ ...contact, telephone: '+33472000000' });
    const empty = checkBonDeCommande({ ...complete, contactEsav: { nom: '', email: '' } });
    expect(empty.ok && empty.value.contactEsav).toBeNull();
  });

  test('phone numbers', () => {
    expect(normalisePhone('06 12 34 56 78')).toBe('0612345678');
    expect(normalisePhone('+33 (0)6')).toBeUndefined();
    expect(normalisePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalisePhone('0012345678')).toBeUndefined();
  });
});

describe('renewal: 15 working days before expiry (weekends and French public holidays excluded)', () => {
  test('without holidays: three weeks of working days back', () => {
    // Friday 2026-05-15 → 15 working days earlier: Friday 2026-04-24.
    expect(workingDaysBefore('2026-05-15', 15, NO_HOLIDAYS)).toBe('2026-04-24');
    expect(workingDaysBefore('2026-05-18', 1, NO_HOLIDAYS)).toBe('2026-05-15'); // Monday → the Friday before
    expect(workingDaysBefore('2026-05-18', 0, NO_HOLIDAYS)).toBe('2026-05-18');
  });

  test('May 2026: 1 May, 8 May and Ascension (14 May) are skipped', () => {
    // Back from Friday 15 May: 13, 12, 11, 7, 6, 5, 4, 30/4, 29, 28, 27, 24, 23, 22, 21 April.
    expect(workingDaysBefore('2026-05-15', 15, FR)).toBe('2026-04-21');
    const notAfter = new Date('2026-05-15T10:00:00+02:00');
    expect(renewalDueDay(notAfter, 'FOURNISSEUR', FR)).toBe('2026-04-21');
    expect(isDueForRenewal(notAfter, 'FOURNISSEUR', new Date('2026-04-20T23:59:00+02:00'), FR)).toBe(false);
    expect(isDueForRenewal(notAfter, 'FOURNISSEUR', new Date('2026-04-21T00:00:00+02:00'), FR)).toBe(true);
  });

  test('Christmas and New Year (both Fridays in 2026): 25 December and 1 January skipped', () => {
    // Back from Friday 8 January 2027: 7, 6, 5, 4 Jan, 31, 30, 29, 28, 24, 23, 22, 21, 18, 17, 16 Dec.
    expect(renewalDueDay(new Date('2027-01-08T12:00:00+01:00'), 'FOURNISSEUR', FR)).toBe('2026-12-16');
  });

  test('the expiry day is the Paris calendar day (an expiry at 23:30 UTC is the next Paris day)', () => {
    // 2026-07-16T23:30Z is Friday 17 July in Paris; 14 July (Tuesday) is a holiday.
    expect(renewalDueDay(new Date('2026-07-16T23:30:00Z'), 'FOURNISSEUR', FR)).toBe('2026-06-25');
    expect(renewalDueDay(new Date('2026-07-16T21:30:00Z'), 'FOURNISSEUR', FR)).toBe('2026-06-24');
  });

  test('a fixed calendar is honoured; CA-issued certificates: 30 calendar days before', () => {
    const calendar = fixedHolidayCalendar(['2026-04-23', '2026-04-24']);
    expect(workingDaysBefore('2026-05-15', 15, calendar)).toBe('2026-04-22');
    expect(renewalDueDay(new Date('2026-05-15T10:00:00+02:00'), 'AC_RECONNUE', FR)).toBe('2026-04-15');
  });
});

describe('switch between provider-issued and CA-issued certificates: 30 calendar days notice', () => {
  const current = { origin: 'FOURNISSEUR' as const, notAfter: new Date('2026-12-31T12:00:00Z'), fingerprint: 'ab'.repeat(32) };

  test('same origin, or asked 30 days or more before expiry: no warning', () => {
    expect(switchWarning(undefined, 'AC_RECONNUE', new Date('2026-12-30T00:00:00Z'))).toBeUndefined();
    expect(switchWarning(current, 'FOURNISSEUR', new Date('2026-12-30T00:00:00Z'))).toBeUndefined();
    expect(switchWarning(current, 'AC_RECONNUE', new Date('2026-12-01T12:00:00Z'))).toBeUndefined();
  });

  test('asked less than 30 days before expiry: the warning names both kinds, the delay and the expiry', () => {
    expect(switchWarning(current, 'AC_RECONNUE', new Date('2026-12-01T12:00:01Z'))).toBe(
      `changement certificat du fournisseur → certificat d’une AC reconnue demandé 29 jour(s) avant l’expiration du certificat actuel (${'ab'.repeat(8)}…, expire le 2026-12-31) : le contrat demande 30 jours calendaires de préavis`,
    );
    expect(switchWarning({ ...current, origin: 'AC_RECONNUE' }, 'FOURNISSEUR', new Date('2027-01-05T00:00:00Z'))).toMatch(/^changement certificat d’une AC reconnue → certificat du fournisseur demandé 0 jour\(s\)/);
  });
});

describe('promotion to production', () => {
  test('each requested domain needs a passing conformance run', () => {
    expect(missingConformance(['signalisation', 'test'], new Set())).toEqual(['signalisation', 'test']);
    expect(missingConformance(['signalisation', 'test'], new Set(['signalisation', 'rendezvous']))).toEqual(['test']);
    expect(missingConformance(['signalisation'], new Set(['signalisation']))).toEqual([]);
  });
});
