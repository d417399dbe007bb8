// SqlSignalisationRepository.list (listerSignalisations, the portal's list), whose query is cut in
// two at a bound on the ids so that its cost follows the visible tickets, not the history
// (decision 0028). Whatever the bound, the rows must be those of the plain definition: the
// operator's tickets open or closed since the window start, the filters, newest id first, keyset
// paging. Checked against that definition computed here over every row, on tickets built to sit
// on the edges: open ones deposited years ago, closings just before / at / after the window start,
// ids out of deposit order on both sides of the bound, an operator with no recent deposit,
// periods before, across and after the window start, every page size — on PGlite and PostgreSQL.
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { pgliteDatabase, postgresDatabase, type Database } from '../../src/adapters/postgres/db.js';
import { SqlSignalisationRepository } from '../../src/adapters/postgres/signalisations.js';
import type { ListFilter } from '../../src/application/signalisation-ports.js';
import { historyWindowStart, type Etat } from '../../src/domain/signalisation.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.js';
import { mulberry32 } from '../support/prng.js';

const describeDb = await describeWithPostgres();

const DAY = 86_400_000;
const NOW = new Date('2026-12-07T10:00:00Z');
const WINDOW = historyWindowStart(NOW);
const OPEN: Etat[] = ['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE'];
const CLOSED: Etat[] = ['CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'EN_REJET'];
const OFFERS = ['FTTH_ACTIVE', 'FTTH_PASSIF', 'CUIVRE_DEGROUPAGE'];

interface Ticket {
  operator: string;
  prestation: string;
  offer: string;
  etat: Etat;
  depositedAt: Date;
  dateCloture: Date | null;
}

interface Row {
  id: number;
  operator: string;
  prestation: string;
  offer: string;
  etat: Etat;
  depositedAt: number;
  dateCloture: number | null;
}

/** The tickets, in insertion (id) order. */
function tickets(): Ticket[] {
  const random = mulberry32(16);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const out: Ticket[] = [];
  const prestationOf = (operator: string) => `${operator}-${Math.floor(random() * 12)}`;
  const ticket = (operator: string, depositedAt: Date, dateCloture: Date | null, etat?: Etat): Ticket => {
    const prestation = prestationOf(operator);
    return {
      operator,
      prestation,
      offer: OFFERS[Number(prestation.split('-')[1]) % 3]!,
      etat: etat ?? (dateCloture ? pick(CLOSED) : pick(OPEN)),
      depositedAt,
      dateCloture,
    };
  };
  // An OPA1 ticket deposited long ago and never closed: before every other one.
  out.push(ticket('OPA1', new Date(NOW.getTime() - 1000 * DAY), null, 'GELE'));
  // Three years of deposits, ids growing with time; older than 30 days nearly all closed within 0 – 20
  // days (so some close around the window start), 1 in 25 left open.
  for (let i = 0; i < 600; i++) {
    const depositedAt = new Date(NOW.getTime() - (1095 - (1095 * i) / 600) * DAY - random() * DAY);
    const age = NOW.getTime() - depositedAt.getTime();
    const closing = new Date(depositedAt.getTime() + random() * 20 * DAY);
    const open = random() < 0.04 || closing.getTime() > NOW.getTime() || (age < 30 * DAY && random() < 0.6);
    out.push(ticket(random() < 0.7 ? 'OPA1' : 'OPB2', depositedAt, open ? null : closing));
    if (i === 300) {
      // Out of deposit order on the low side: deposited within the window but with an old id.
      out.push(ticket('OPA1', new Date(NOW.getTime() - 5 * DAY), null, 'EN_COURS'));
      out.push(ticket('OPA1', new Date(NOW.getTime() - 6 * DAY), new Date(NOW.getTime() - 2 * DAY), 'CLOS'));
    }
    if (i === 560) {
      // Closed exactly at the window start, 1 ms before and 1 ms after (deposited long before).
      out.push(ticket('OPA1', new Date(NOW.getTime() - 400 * DAY), WINDOW, 'CLOS_TABLEAU_DE_BORD'));
      out.push(ticket('OPA1', new Date(NOW.getTime() - 401 * DAY), new Date(WINDOW.getTime() - 1), 'CLOS_TABLEAU_DE_BORD'));
      out.push(ticket('OPA1', new Date(NOW.getTime() - 402 * DAY), new Date(WINDOW.getTime() + 1), 'VALIDE'));
      // Deposited exactly at the window start, and 1 ms before, closed at once.
      out.push(ticket('OPA1', WINDOW, WINDOW, 'CLOS'));
      out.push(ticket('OPA1', new Date(WINDOW.getTime() - 1), new Date(WINDOW.getTime() - 1), 'CLOS'));
    }
  }
  // Out of deposit order on the high side: newest ids, deposited years ago (one open, one closed
  // long ago, one closed within the window).
  out.push(ticket('OPA1', new Date(NOW.getTime() - 700 * DAY), null, 'GELE'));
  out.push(ticket('OPA1', new Date(NOW.getTime() - 701 * DAY), new Date(NOW.getTime() - 690 * DAY), 'CLOS_TABLEAU_DE_BORD'));
  out.push(ticket('OPA1', new Date(NOW.getTime() - 702 * DAY), new Date(NOW.getTime() - 3 * DAY), 'CLOS'));
  // OP03: nothing deposited within the window (the bound finds none), old open and recently closed ones.
  out.push(ticket('OP03', new Date(NOW.getTime() - 800 * DAY), null, 'EN_COURS'));
  out.push(ticket('OP03', new Date(NOW.getTime() - 700 * DAY), new Date(NOW.getTime() - 500 * DAY), 'CLOS'));
  out.push(ticket('OP03', new Date(NOW.getTime() - 300 * DAY), new Date(NOW.getTime() - 10 * DAY), 'VALIDE'));
  return out;
}

/** The definition: what list() must return. */
function expected(rows: Row[], operator: string, f: ListFilter, afterId: number | undefined, limit: number): number[] {
  return rows
    .filter(
      (r) =>
        r.operator === operator &&
        (r.dateCloture === null || r.dateCloture >= f.closedNotBefore.getTime()) &&
        (!f.etats || f.etats.length === 0 || f.etats.includes(r.etat)) &&
        (!f.offerCode || r.offer === f.offerCode) &&
        (!f.prestationId || r.prestation === f.prestationId) &&
        (!f.depositedFrom || r.depositedAt >= f.depositedFrom.getTime()) &&
        (!f.depositedTo || r.depositedAt < f.depositedTo.getTime()) &&
        (afterId === undefined || r.id < afterId),
    )
    .map((r) => r.id)
    .sort((a, b) => b - a)
    .slice(0, limit);
}

const days = (n: number) => new Date(NOW.getTime() - n * DAY);
const FILTERS: Array<[string, Omit<ListFilter, 'closedNotBefore'>]> = [
  ['no filter', {}],
  ['etats: empty list', { etats: [] }],
  ['etat EN_COURS', { etats: ['EN_COURS'] }],
  ['etats GELE, CLOS', { etats: ['GELE', 'CLOS'] }],
  ['etat CLOS_TABLEAU_DE_BORD (visible ones are old)', { etats: ['CLOS_TABLEAU_DE_BORD'] }],
  ['offre', { offerCode: 'FTTH_ACTIVE' }],
  ['offre without ticket', { offerCode: 'NO_SUCH_OFFER' }],
  ['prestation', { prestationId: 'OPA1-3' }],
  ['prestation and etat', { prestationId: 'OPA1-4', etats: ['GELE', 'EN_COURS', 'CLOS'] }],
  ['periode a year ago', { depositedFrom: days(380), depositedTo: days(350) }],
  ['periode of the old open ticket', { depositedFrom: days(1001), depositedTo: days(999) }],
  ['periode across the window start', { depositedFrom: days(120), depositedTo: days(60) }],
  ['periode within the window', { depositedFrom: days(40), depositedTo: days(2) }],
  ['periode from the window start on', { depositedFrom: WINDOW }],
  ['periode before the window start', { depositedTo: WINDOW }],
  ['periode and offre', { depositedFrom: days(1100), depositedTo: days(20), offerCode: 'FTTH_PASSIF' }],
  ['periode, offre and etats', { depositedFrom: days(700), offerCode: 'CUIVRE_DEGROUPAGE', etats: ['EN_DEPOT', 'GELE', 'VALIDE'] }],
];

function listCases(open: () => Promise<{ db: Database; close: () => Promise<void> }>) {
  let db: Database;
  let close: () => Promise<void>;
  let repo: SqlSignalisationRepository;
  let rows: Row[];

  beforeAll(async () => {
    ({ db, close } = await open());
    await migrate(db);
    for (const [code, siret] of [['OPA1', '10000000900017'], ['OPB2', '20000000800018'], ['OP03', '30000000700019']] as const) {
      await db.query('INSERT INTO operators (code, siret, raison_sociale) VALUES ($1, $2, $3)', [code, siret, `Opérateur ${code}`]);
      for (let p = 0; p < 12; p++) {
        await db.query(`INSERT INTO prestations (identifiant, operator_code, offer_code, gtr_code) VALUES ($1, $2, $3, 'GTR_STANDARD')`, [
          `${code}-${p}`,
          code,
          OFFERS[p % 3],
        ]);
      }
    }
    const all = tickets();
    // One statement: the ids follow the array's order.
    await db.query(
      `INSERT INTO signalisations (operator_code, reference_interne_oc, prestation_id, offer_code, form_id, form_version,
         defaut_declare, impact, contact_site, contact_oc, etat, date_etat, garantie_code, date_cloture, deposited_at)
       SELECT t.operator, 'REF-' || t.n, t.prestation, t.offer, 'F1', 1, 'Panne', 'TOTAL', '{}', '{}', t.etat,
              coalesce(t.closed, t.deposited), 'GTR_STANDARD', t.closed, t.deposited
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
              WITH ORDINALITY AS t(operator, prestation, offer, etat, deposited, closed, n)
        ORDER BY t.n`,
      [
        all.map((t) => t.operator),
        all.map((t) => t.prestation),
        all.map((t) => t.offer),
        all.map((t) => t.etat),
        all.map((t) => t.depositedAt),
        all.map((t) => t.dateCloture),
      ],
    );
    repo = new SqlSignalisationRepository(db);
    const stored = await db.query<{ id: string; operator_code: string; prestation_id: string; offer_code: string; etat: Etat; deposited_at: Date; date_cloture: Date | null }>(
      'SELECT id, operator_code, prestation_id, offer_code, etat, deposited_at, date_cloture FROM signalisations ORDER BY id',
    );
    rows = stored.map((r) => ({
      id: Number(r.id),
      operator: r.operator_code.trim(),
      prestation: r.prestation_id,
      offer: r.offer_code,
      etat: r.etat,
      depositedAt: new Date(r.deposited_at).getTime(),
      dateCloture: r.date_cloture === null ? null : new Date(r.date_cloture).getTime(),
    }));
    expect(rows).toHaveLength(all.length);
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

  /** Every page of a list, each compared with the definition; returns the ids in order. */
  async function walk(operator: string, filter: ListFilter, size: number): Promise<number[]> {
    const seen: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = (await repo.list(operator, filter, after === undefined ? undefined : { id: after }, size)).map((s) => s.id);
      expect(page).toEqual(expected(rows, operator, filter, after, size));
      seen.push(...page);
      if (page.length < size) return seen;
      after = page[page.length - 1];
    }
  }

  test('the data set has what the cases need', () => {
    const visible = (r: Row) => r.dateCloture === null || r.dateCloture >= WINDOW.getTime();
    const opa1 = rows.filter((r) => r.operator === 'OPA1');
    const firstRecent = opa1.filter((r) => r.depositedAt >= WINDOW.getTime()).sort((a, b) => a.depositedAt - b.depositedAt)[0]!;
    // visible tickets below the bound (open or closed since the window start, old ids) and history
    expect(opa1.filter((r) => r.id < firstRecent.id && visible(r) && r.dateCloture === null).length).toBeGreaterThan(5);
    expect(opa1.filter((r) => r.id < firstRecent.id && visible(r) && r.dateCloture !== null).length).toBeGreaterThan(5);
    expect(opa1.filter((r) => !visible(r)).length).toBeGreaterThan(200);
    // invisible tickets above the bound, and visible ones deposited before the window start above it
    expect(opa1.filter((r) => r.id > firstRecent.id && !visible(r)).length).toBeGreaterThan(0);
    expect(opa1.filter((r) => r.id > firstRecent.id && visible(r) && r.depositedAt < WINDOW.getTime()).length).toBeGreaterThan(0);
    // deposited within the window with an id below the bound
    expect(opa1.filter((r) => r.id < firstRecent.id && r.depositedAt >= WINDOW.getTime()).length).toBeGreaterThanOrEqual(2);
  });

  test.each(FILTERS)('%s: every page, every page size, same rows as the definition', async (_name, f) => {
    const filter: ListFilter = { ...f, closedNotBefore: WINDOW };
    const all = expected(rows, 'OPA1', filter, undefined, Number.MAX_SAFE_INTEGER);
    for (const size of [1, 2, 7, 51]) expect(await walk('OPA1', filter, size)).toEqual(all);
    // and one page with everything
    expect((await repo.list('OPA1', filter, undefined, 10_000)).map((s) => s.id)).toEqual(all);
  });

  test('the window start is inclusive: closed at it shown, 1 ms before it not, whatever the deposit', async () => {
    const listed = new Set(await walk('OPA1', { closedNotBefore: WINDOW }, 51));
    const closedAt = (at: number) => rows.filter((r) => r.operator === 'OPA1' && r.dateCloture === at).map((r) => r.id);
    expect(closedAt(WINDOW.getTime()).length).toBeGreaterThanOrEqual(2);
    for (const id of closedAt(WINDOW.getTime())) expect(listed.has(id)).toBe(true);
    for (const id of closedAt(WINDOW.getTime() + 1)) expect(listed.has(id)).toBe(true);
    expect(closedAt(WINDOW.getTime() - 1).length).toBeGreaterThanOrEqual(2);
    for (const id of closedAt(WINDOW.getTime() - 1)) expect(listed.has(id)).toBe(false);
    // the open ticket deposited 1 000 days ago (the first id) closes the list
    expect([...listed].pop()).toBe(rows[0]!.id);
  });

  test('a cursor anywhere (between ids, past the bound, on an invisible ticket) continues the same list', async () => {
    const filter: ListFilter = { closedNotBefore: WINDOW };
    for (const r of rows.filter((_, i) => i % 37 === 0)) {
      for (const size of [3, 51]) {
        expect((await repo.list('OPA1', filter, { id: r.id }, size)).map((s) => s.id)).toEqual(expected(rows, 'OPA1', filter, r.id, size));
      }
    }
  });

  test('an operator with nothing deposited within the window: its old visible tickets only', async () => {
    const ids = await walk('OP03', { closedNotBefore: WINDOW }, 1);
    expect(ids).toHaveLength(2);
    expect(await walk('OPB2', { closedNotBefore: WINDOW, etats: ['EN_DEPOT', 'GELE'] }, 2)).toEqual(
      expected(rows, 'OPB2', { closedNotBefore: WINDOW, etats: ['EN_DEPOT', 'GELE'] }, undefined, 1000),
    );
  });

  test('the back office (no window: every closed ticket) and other window starts', async () => {
    for (const closedNotBefore of [new Date(0), days(500), days(30), NOW, days(-1)]) {
      for (const f of [{}, { etats: ['CLOS_TABLEAU_DE_BORD' as Etat] }, { offerCode: 'FTTH_ACTIVE' }, { depositedFrom: days(600), depositedTo: days(100) }]) {
        const filter: ListFilter = { ...f, closedNotBefore };
        expect(await walk('OPA1', filter, 51)).toEqual(expected(rows, 'OPA1', filter, undefined, Number.MAX_SAFE_INTEGER));
      }
    }
  });

  test('any bound gives the same rows: a bound kept from earlier (stale, too low, too high, none) changes only the cost', async () => {
    // The repository keeps the bound per operator and window start (decision 0028); set it by hand.
    const kept = (repo as unknown as { listBounds: Map<string, { windowStart: number; bound: string }> }).listBounds;
    const ids = rows.filter((r) => r.operator === 'OPA1').map((r) => r.id);
    const bounds = ['0', '1', String(ids[10]), String(ids[Math.floor(ids.length / 2)]), String(ids[ids.length - 3]), String(ids[ids.length - 1]! + 1), '9223372036854775807'];
    for (const bound of bounds) {
      kept.set('OPA1', { windowStart: WINDOW.getTime(), bound });
      for (const [, f] of FILTERS.filter((_, i) => i % 3 === 0)) {
        const filter: ListFilter = { ...f, closedNotBefore: WINDOW };
        expect(await walk('OPA1', filter, 7)).toEqual(expected(rows, 'OPA1', filter, undefined, Number.MAX_SAFE_INTEGER));
      }
    }
    kept.delete('OPA1');
  });

  test('a ticket closed or reopened between two pages moves in or out of the next pages only', async () => {
    const filter: ListFilter = { closedNotBefore: WINDOW };
    const first = (await repo.list('OPA1', filter, undefined, 20)).map((s) => s.id);
    const after = first[first.length - 1]!;
    // below the cursor: an old invisible ticket reopens, an old open one closes long ago
    const reopened = rows.find((r) => r.operator === 'OPA1' && r.id < 100 && r.dateCloture !== null && r.dateCloture < WINDOW.getTime())!;
    const closed = rows.find((r) => r.operator === 'OPA1' && r.id > 1 && r.id < 400 && r.dateCloture === null)!;
    await db.query(`UPDATE signalisations SET date_cloture = NULL, etat = 'EN_COURS' WHERE id = $1`, [reopened.id]);
    await db.query(`UPDATE signalisations SET date_cloture = $2, etat = 'CLOS_TABLEAU_DE_BORD' WHERE id = $1`, [closed.id, days(200)]);
    reopened.dateCloture = null;
    closed.dateCloture = days(200).getTime();
    const rest: number[] = [];
    let position = after;
    for (;;) {
      const page = (await repo.list('OPA1', filter, { id: position }, 20)).map((s) => s.id);
      rest.push(...page);
      if (page.length < 20) break;
      position = page[page.length - 1]!;
    }
    expect(rest).toEqual(expected(rows, 'OPA1', filter, after, Number.MAX_SAFE_INTEGER));
    expect(rest).toContain(reopened.id);
    expect(rest).not.toContain(closed.id);
  });
}

describe('listerSignalisations bounded by the visible tickets, on PGlite', () => {
  listCases(async () => {
    const db = await pgliteDatabase();
    return { db, close: () => db.close() };
  });
});

describeDb('listerSignalisations bounded by the visible tickets, on PostgreSQL', () => {
  listCases(async () => {
    const testDb: TestDatabase = await createTestDatabase();
    const db = postgresDatabase(testDb.url, { max: 2 });
    return {
      db,
      close: async () => {
        await db.close();
        await testDb.drop();
      },
    };
  });
});
