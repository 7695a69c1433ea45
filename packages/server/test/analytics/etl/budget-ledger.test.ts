import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/core/clock.ts';
import { formatEpsilon } from '../../../src/analytics/dp/epsilon.ts';
import { rational } from '../../../src/analytics/dp/rational.ts';
import { createDuckDbStore, type DuckDbStore } from '../../../src/store/duckdb/index.ts';
import { createDuckDbBudgetLedger } from '../../../src/store/duckdb/budget-ledger-store.ts';

const clock = createManualClock('2025-02-01T00:00:00Z');
const week = { start: '2025-01-06T00:00:00.000Z', end: '2025-01-13T00:00:00.000Z' };

describe('persistent budget ledger (DuckDB)', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await createDuckDbStore(':memory:');
  });
  afterAll(async () => store.close());

  const ledgers = async (n: number) => Promise.all(Array.from({ length: n }, async () => createDuckDbBudgetLedger(await store.connect(), clock)));

  it('never overspends when many charges race on separate connections', async () => {
    const all = await ledgers(8);
    await all[0]!.saveSettings({ tenantId: 'race', level: 'dp_medium', windowCap: '1', deltaCap: '0' }, 'test');
    const decisions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => all[i % all.length]!.reserve('race', `race-key-${i}`, rational(1n, 10n), { window: week, metric: 'm' })),
    );
    const ok = decisions.filter((d) => d.ok);
    expect(ok).toHaveLength(10);
    expect(decisions.filter((d) => !d.ok).every((d) => !d.ok && d.reason === 'epsilon_cap_exceeded')).toBe(true);
    const spent = await all[0]!.spent('race', week);
    expect(formatEpsilon(spent.epsilon)).toBe('1');
    const rows = await (await store.connect()).all(`SELECT count(*) AS n FROM privacy_ledger WHERE tenant_id = 'race'`);
    expect(Number(rows[0]!.n)).toBe(10);
  });

  it('spends one release key once, even when two jobs race for it', async () => {
    const [a, b] = await ledgers(2);
    const [x, y] = await Promise.all([
      a!.reserve('once', 'same-key', rational(1n, 5n), { window: week }),
      b!.reserve('once', 'same-key', rational(1n, 5n), { window: week }),
    ]);
    expect([x.ok, y.ok].sort()).toEqual([false, true]);
    const refused = [x, y].find((d) => !d.ok)!;
    expect(!refused.ok && refused.reason).toBe('release_key_spent');
  });

  it('adds rationals exactly: three spends of 1/3 fill a cap of 1, a fourth is refused', async () => {
    const [l] = await ledgers(1);
    for (let i = 0; i < 3; i++) expect((await l!.reserve('thirds', `third-${i}`, rational(1n, 3n), { window: week })).ok).toBe(true);
    const fourth = await l!.reserve('thirds', 'third-3', rational(1n, 1000000n), { window: week });
    expect(fourth.ok).toBe(false);
  });

  it('counts a reservation until it is committed, and windows that do not overlap apart', async () => {
    const [l] = await ledgers(1);
    expect((await l!.reserve('commit', 'c1', rational(1n), { window: week })).ok).toBe(true);
    expect((await l!.reserve('commit', 'c2', rational(1n, 100n), { window: week })).ok).toBe(false);
    await l!.commit('commit', 'c1');
    const next = { start: '2025-01-13T00:00:00.000Z', end: '2025-01-20T00:00:00.000Z' };
    expect((await l!.reserve('commit', 'c3', rational(1n), { window: next })).ok).toBe(true);
    const entries = await l!.entries('commit', { start: week.start, end: next.end });
    expect(entries.map((e) => [e.releaseKey, e.status])).toEqual([['c1', 'committed'], ['c3', 'reserved']]);
  });
});
