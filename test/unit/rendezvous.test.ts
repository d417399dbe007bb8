// Appointments, pure rules: the night rule at its edges (DST nights included), slots generated
// from weekly working patterns, the searchable days, identifiers; the Interop'Fibre conventions
// (EnteteType rules, response header and InfoErreurType fault valid against the project's XSD);
// which profiles grant the appointment operations.
import path from 'node:path';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import { formatParisDateTime } from '../../src/domain/paris-calendar.js';
import { EsavFault } from '../../src/domain/faults.js';
import { fixedHolidayCalendar, NO_HOLIDAYS } from '../../src/domain/holidays.js';
import { ALL_OPERATIONS } from '../../src/domain/identity.js';
import {
  assertSlotSearchOpen,
  isSlotSearchClosed,
  parseSlotIdentifier,
  patternProblem,
  searchableDays,
  slotIdentifier,
  slotsOfDay,
  slotsOfDays,
  type WorkingPattern,
} from '../../src/domain/rendezvous.js';
import { addDays, isoWeekday, parisDayOf, parisDayStart } from '../../src/domain/paris-calendar.js';
import { interopFaultEnvelope, planChargeConventions } from '../../src/adapters/contracts/interop/plan-charge-conventions.js';
import { interventionOfType, typeOfIntervention } from '../../src/adapters/contracts/interop/plan-charge-sav-ftth.js';
import { XSD_DIR } from '../../src/adapters/paths.js';
import type { SoapEndpoint } from '../../src/adapters/soap/endpoint.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { DEMO_RENDEZ_VOUS_PATTERNS, PROFILES } from '../../src/composition/demo-data.js';
import { testIdentity, thrown } from './_support/soap-messages.js';

const paris = (instant: Date) => formatParisDateTime(instant);

describe('night rule: slot search closed from 01:00 (included) to 04:00 (excluded), Europe/Paris wall clock', () => {
  test.each([
    // an ordinary winter night (UTC+1)
    ['2026-01-14T23:59:59.999Z', false],
    ['2026-01-15T00:00:00.000Z', true],
    ['2026-01-15T02:59:59.999Z', true],
    ['2026-01-15T03:00:00.000Z', false],
    // an ordinary summer night (UTC+2)
    ['2026-07-14T22:59:59.999Z', false],
    ['2026-07-14T23:00:00.000Z', true],
    ['2026-07-15T01:59:59.999Z', true],
    ['2026-07-15T02:00:00.000Z', false],
    // spring forward 2026-03-29: 01:00 CET = 00:00Z, 02:00 CET → 03:00 CEST at 01:00Z, 04:00 CEST = 02:00Z
    ['2026-03-28T23:59:59.999Z', false],
    ['2026-03-29T00:00:00.000Z', true],
    ['2026-03-29T00:59:59.999Z', true], // 01:59:59.999 CET
    ['2026-03-29T01:00:00.000Z', true], // 03:00 CEST
    ['2026-03-29T01:59:59.999Z', true], // 03:59:59.999 CEST
    ['2026-03-29T02:00:00.000Z', false], // 04:00 CEST: two hours of real time after 01:00
    // fall back 2026-10-25: 01:00 CEST = 23:00Z, 03:00 CEST → 02:00 CET at 01:00Z, 04:00 CET = 03:00Z
    ['2026-10-24T22:59:59.999Z', false],
    ['2026-10-24T23:00:00.000Z', true],
    ['2026-10-25T00:30:00.000Z', true], // 02:30 CEST
    ['2026-10-25T01:30:00.000Z', true], // 02:30 CET, the second time
    ['2026-10-25T02:59:59.999Z', true], // 03:59:59.999 CET
    ['2026-10-25T03:00:00.000Z', false], // 04:00 CET: four hours of real time after 01:00
  ])('%s → closed %s', (instant, closed) => {
    expect(isSlotSearchClosed(new Date(instant))).toBe(closed);
    if (closed) {
      const fault = thrown(() => assertSlotSearchOpen(new Date(instant))) as EsavFault;
      expect(fault).toBeInstanceOf(EsavFault);
      expect(fault.code).toBe(321);
      expect(fault.side).toBe('Server');
    } else {
      expect(() => assertSlotSearchOpen(new Date(instant))).not.toThrow();
    }
  });

  test('reessayerApres counts the real seconds until 04:00 Paris, DST nights included', () => {
    const retry = (instant: string) => (thrown(() => assertSlotSearchOpen(new Date(instant))) as EsavFault).reessayerApres;
    expect(retry('2026-01-15T00:00:00Z')).toBe(3 * 3600);
    expect(retry('2026-03-29T00:00:00Z')).toBe(2 * 3600); // 01:00 CET → 04:00 CEST
    expect(retry('2026-10-24T23:00:00Z')).toBe(4 * 3600); // 01:00 CEST → 04:00 CET
    expect(retry('2026-10-25T02:59:59.999Z')).toBe(1);
  });
});

const pattern = (overrides: Partial<WorkingPattern> = {}): WorkingPattern => ({
  codeInsee: '75056',
  type: 'SAV',
  jour: 1,
  debut: '08:00',
  fin: '12:00',
  dureeMinutes: 120,
  techniciens: 2,
  joursFeries: false,
  ...overrides,
});

describe('capacity: weekly working patterns → technician slots', () => {
  test('a pattern gives its windows once per technician, on its weekday only', () => {
    const monday = slotsOfDay([pattern()], '2026-11-02', NO_HOLIDAYS);
    expect(monday.map((s) => [paris(s.debut), paris(s.fin), s.technicien])).toEqual([
      ['2026-11-02T08:00:00+01:00', '2026-11-02T10:00:00+01:00', 1],
      ['2026-11-02T08:00:00+01:00', '2026-11-02T10:00:00+01:00', 2],
      ['2026-11-02T10:00:00+01:00', '2026-11-02T12:00:00+01:00', 1],
      ['2026-11-02T10:00:00+01:00', '2026-11-02T12:00:00+01:00', 2],
    ]);
    expect(slotsOfDay([pattern()], '2026-11-03', NO_HOLIDAYS)).toEqual([]);
    // A window that does not fit the rest of the span is not offered.
    expect(slotsOfDay([pattern({ fin: '11:00', techniciens: 1 })], '2026-11-02', NO_HOLIDAYS)).toHaveLength(1);
  });

  test('public holidays: no slot unless the pattern works on them', () => {
    const armistice = fixedHolidayCalendar(['2026-11-11']);
    expect(slotsOfDay([pattern({ jour: 3 })], '2026-11-11', armistice)).toEqual([]);
    expect(slotsOfDay([pattern({ jour: 3, joursFeries: true })], '2026-11-11', armistice)).toHaveLength(4);
  });

  test('summer and winter hours: windows are Paris wall-clock times', () => {
    expect(paris(slotsOfDay([pattern()], '2026-07-13', NO_HOLIDAYS)[0]!.debut)).toBe('2026-07-13T08:00:00+02:00');
    expect(slotsOfDay([pattern()], '2026-07-13', NO_HOLIDAYS)[0]!.debut.toISOString()).toBe('2026-07-13T06:00:00.000Z');
  });

  test('DST nights: the spring-forward gap squeezes a window to nothing (dropped); fall back lengthens one', () => {
    const night = pattern({ jour: 7, debut: '01:00', fin: '05:00', dureeMinutes: 60, techniciens: 1, joursFeries: true });
    const spring = slotsOfDay([night], '2026-03-29', NO_HOLIDAYS);
    expect(spring.map((s) => [s.debut.toISOString(), s.fin.toISOString()])).toEqual([
      ['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z'], // 01:00–02:00 CET
      // 02:00–03:00 does not exist that night
      ['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'], // 03:00–04:00 CEST
      ['2026-03-29T02:00:00.000Z', '2026-03-29T03:00:00.000Z'], // 04:00–05:00 CEST
    ]);
    const autumn = slotsOfDay([night], '2026-10-25', NO_HOLIDAYS);
    expect(autumn).toHaveLength(4);
    expect(autumn[1]!.fin.getTime() - autumn[1]!.debut.getTime()).toBe(2 * 3600_000); // 02:00 CEST → 03:00 CET
  });

  test('slotsOfDays walks Paris calendar days, both ends included', () => {
    const week = slotsOfDays([pattern({ techniciens: 1 }), pattern({ jour: 5, techniciens: 1 })], '2026-11-02', '2026-11-09', NO_HOLIDAYS);
    expect([...new Set(week.map((s) => parisDayOf(s.debut)))]).toEqual(['2026-11-02', '2026-11-06', '2026-11-09']);
  });

  test('pattern checks', () => {
    expect(patternProblem(pattern())).toBeUndefined();
    expect(patternProblem(pattern({ codeInsee: '7505' }))).toMatch(/codeInsee/);
    expect(patternProblem(pattern({ codeInsee: '2A004' }))).toBeUndefined();
    expect(patternProblem(pattern({ jour: 8 }))).toMatch(/jour/);
    expect(patternProblem(pattern({ debut: '8:00' }))).toMatch(/horaires/);
    expect(patternProblem(pattern({ fin: '07:00' }))).toMatch(/fin/);
    expect(patternProblem(pattern({ dureeMinutes: 300 }))).toMatch(/durée/);
    expect(patternProblem(pattern({ techniciens: 0 }))).toMatch(/techniciens/);
    for (const p of DEMO_RENDEZ_VOUS_PATTERNS) expect(patternProblem(p)).toBeUndefined();
    expect(new Set(DEMO_RENDEZ_VOUS_PATTERNS.map((p) => p.codeInsee))).toEqual(new Set(['75056', '69123']));
    expect(new Set(DEMO_RENDEZ_VOUS_PATTERNS.map((p) => p.type))).toEqual(new Set(['SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE']));
  });

  test('Paris days', () => {
    expect(parisDayOf(new Date('2026-11-02T23:30:00Z'))).toBe('2026-11-03');
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(isoWeekday('2026-11-08')).toBe(7);
    expect(isoWeekday('2026-11-09')).toBe(1);
    expect(parisDayStart('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(parisDayStart('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });
});

describe('searchable days: from today (nothing in the past) to the rolling horizon', () => {
  const now = new Date('2026-11-02T10:00:00+01:00');
  test.each([
    ['2026-11-03T00:00:00+01:00', '2026-11-10T00:00:00+01:00', { from: '2026-11-03', to: '2026-11-09' }],
    ['2026-10-01T00:00:00+02:00', '2026-11-04T12:00:00+01:00', { from: '2026-11-02', to: '2026-11-04' }],
    ['2026-11-20T00:00:00+01:00', '2027-02-01T00:00:00+01:00', { from: '2026-11-20', to: '2026-11-30' }],
    ['2026-10-01T00:00:00+02:00', '2026-11-02T00:00:00+01:00', undefined],
    ['2026-12-01T00:00:00+01:00', '2026-12-05T00:00:00+01:00', undefined],
  ])('[%s, %s) → %j', (debut, fin, expected) => {
    expect(searchableDays(now, new Date(debut), new Date(fin), 28)).toEqual(expected);
  });
});

test('slot identifiers: CR-<id> both ways; anything else is no slot of ours', () => {
  expect(slotIdentifier(123)).toBe('CR-123');
  expect(parseSlotIdentifier('CR-123')).toBe(123);
  expect(parseSlotIdentifier(' CR-7 ')).toBe(7);
  for (const bad of ['CR-0', 'CR-01', 'CR-', 'RDV-1', '123', 'CR-1x', 'CR-99999999999999999999']) expect(parseSlotIdentifier(bad)).toBeUndefined();
});

describe('Interop’Fibre planChargeSavFtth conventions', () => {
  const PROVIDER = '300000007';
  const conventions = planChargeConventions(PROVIDER);
  const identity = testIdentity({ operatorSiren: '100000009' });
  const endpoint = {} as SoapEndpoint;
  let schema: CompiledSchema;
  beforeAll(() => {
    schema = CompiledSchema.compile(path.join(XSD_DIR, 'interop', 'planChargeSavFtth.xsd'), XSD_DIR);
  });
  afterAll(() => schema?.dispose());

  const validate = (xml: string, pick: (root: XmlElement) => XmlElement) => {
    const doc = XmlDocument.fromString(xml);
    try {
      schema.validateElement(pick(doc.root));
    } finally {
      doc.dispose();
    }
  };
  const find = (e: XmlElement, name: string): XmlElement => {
    for (let n = e.firstChild; n; n = n.next) {
      if (!(n instanceof XmlElement)) continue;
      if (n.name === name) return n;
      try {
        return find(n, name);
      } catch {
        // not below this one
      }
    }
    throw new Error(`no ${name} in ${e.name}`);
  };

  test('sirenOC must be the certificate operator’s (201), sirenOI the provider’s (101 naming it)', () => {
    const header = conventions.readHeader({ versionWS: '1.0', horodatageRequete: '2026-11-02T10:00:00+01:00', sirenOC: ' 100000009 ', sirenOI: PROVIDER });
    expect(header.sirenOC).toBe('100000009');
    expect(() => conventions.checkHeader(header, identity, endpoint)).not.toThrow();
    const foreign = thrown(() => conventions.checkHeader({ ...header, sirenOC: '200000008' }, identity, endpoint)) as EsavFault;
    expect([foreign.code, foreign.champ]).toEqual([201, 'EnteteType/sirenOC']);
    const misdirected = thrown(() => conventions.checkHeader({ ...header, sirenOI: '999999999' }, identity, endpoint)) as EsavFault;
    expect([misdirected.code, misdirected.champ]).toEqual([101, 'EnteteType/sirenOI']);
  });

  test('the response header echoes versionWS and horodatageRequete, sets horodatageReponse; valid EnteteType', () => {
    const header = { versionWS: 'v2.1', horodatageRequete: '2026-11-02T10:00:00Z', sirenOC: '100000009', sirenOI: PROVIDER };
    const xml = conventions.writeResponseHeader(header, 'req-1', new Date('2026-11-02T09:00:01Z'), endpoint);
    expect(xml).toBe(
      '<tns:EnteteType xmlns:tns="http://interop-fibre.fr"><versionWS>v2.1</versionWS><horodatageRequete>2026-11-02T10:00:00Z</horodatageRequete>' +
        '<horodatageReponse>2026-11-02T10:00:01+01:00</horodatageReponse><sirenOC>100000009</sirenOC><sirenOI>300000007</sirenOI></tns:EnteteType>',
    );
    validate(xml, (root) => root);
  });

  test('faults: SOAP 1.1 Fault with detail InfoErreurType{codeErreur, messageErreur (field, retry)}', () => {
    const xml = interopFaultEnvelope(new EsavFault(321, 'Recherche indisponible <nuit>', { reessayerApres: 60 }));
    expect(xml).toContain('<faultcode>soapenv:Server</faultcode>');
    expect(xml).toContain('<codeErreur>321</codeErreur><messageErreur>Recherche indisponible &lt;nuit&gt; — réessayer dans 60 s</messageErreur>');
    validate(xml, (root) => find(find(root, 'detail'), 'InfoErreurType'));
    const client = interopFaultEnvelope(new EsavFault(101, undefined, { champ: 'EnteteType/sirenOI' }));
    expect(client).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(client).toContain('(champ : EnteteType/sirenOI)');
  });

  test('intervention types: S ↔ SAV (SAV+ reads as S), E ↔ expertise contradictoire', () => {
    expect(typeOfIntervention('S')).toBe('SAV');
    expect(typeOfIntervention('E')).toBe('EXPERTISE_CONTRADICTOIRE');
    expect(interventionOfType('SAV')).toBe('S');
    expect(interventionOfType('SAV_PLUS')).toBe('S');
    expect(interventionOfType('EXPERTISE_CONTRADICTOIRE')).toBe('E');
  });
});

test('the appointment operations are granted by the TOUT and RENDEZVOUS profiles only', () => {
  const operations = [
    'rechercherCreneaux',
    'reserverCreneau',
    'reporterRendezVous',
    'annulerRendezVous',
    'consulterRendezVous',
    'rechercheCreneauxLibres',
    'reservationCreneau',
    'reportRDV',
    'consultationRdv',
  ];
  for (const operation of operations) {
    const granting = PROFILES.filter((p) => p.operations.includes(operation) || p.operations.includes(ALL_OPERATIONS)).map((p) => p.name);
    expect(granting.sort()).toEqual(['RENDEZVOUS', 'TOUT']);
  }
  // Besides the appointments, the notices to the operators (SignalisationService v2), which every
  // demo profile reads (issue 15).
  expect([...(PROFILES.find((p) => p.name === 'RENDEZVOUS')?.operations ?? [])].sort()).toEqual([...operations, 'consulterAvis'].sort());
});
