import { describe, expect, it } from 'vitest';
import { decideSpend, parseBudgetCap, spentInWindow, windowsOverlap } from './budget.ts';
import type { BudgetCap, LedgerEntry, ReleaseWindow, SpendRequest } from './budget.ts';
import { composeParallel, composeSequential, formatEpsilon, INFINITE_EPSILON, parseEpsilon } from './epsilon.ts';
import { createInMemoryBudgetLedger } from './in-memory-budget-ledger.ts';
import { rational } from './rational.ts';
import { releaseKey } from './release-key.ts';

const week: ReleaseWindow = { start: '2026-03-02', end: '2026-03-09' };
const nextWeek: ReleaseWindow = { start: '2026-03-09', end: '2026-03-16' };
const capOne: BudgetCap = parseBudgetCap('1');

function request(releaseKeyText: string, epsilon: string, window = week, tenantId = 't1'): SpendRequest {
  return { tenantId, releaseKey: releaseKeyText, window, epsilon: parseEpsilon(epsilon) };
}

/** Applies requests in order, keeping the accepted ones, like the ledger does. */
function replay(requests: readonly SpendRequest[], cap: BudgetCap) {
  const entries: LedgerEntry[] = [];
  const decisions = requests.map((r) => {
    const d = decideSpend(entries, r, cap);
    if (d.ok) entries.push(d.entry);
    return d;
  });
  return { entries, decisions };
}

describe('budget composition', () => {
  it('adds exactly: three spends of 1/3 fill a cap of 1, a fourth spend is refused', () => {
    const { entries, decisions } = replay([request('k1', '1/3'), request('k2', '1/3'), request('k3', '1/3'), request('k4', '1/1000000')], capOne);
    expect(decisions.map((d) => d.ok)).toEqual([true, true, true, false]);
    expect(decisions[3]).toMatchObject({ ok: false, reason: 'epsilon_cap_exceeded' });
    expect(formatEpsilon(spentInWindow(entries, 't1', week).epsilon)).toBe('1');
  });

  it('refuses a second spend of the same release key, even with budget left', () => {
    const { decisions } = replay([request('weekly-active', '1/5'), request('weekly-active', '1/5')], capOne);
    expect(decisions[0]!.ok).toBe(true);
    expect(decisions[1]).toMatchObject({ ok: false, reason: 'release_key_spent' });
  });

  it('refuses a spend beyond the cap and leaves the ledger unchanged', () => {
    const { entries, decisions } = replay([request('a', '1/2'), request('b', '3/5')], capOne);
    expect(decisions[1]).toMatchObject({ ok: false, reason: 'epsilon_cap_exceeded' });
    expect(entries).toHaveLength(1);
  });

  it('counts only the same tenant and overlapping windows', () => {
    const { decisions } = replay([request('a', '1'), request('b', '1', nextWeek), request('c', '1', week, 't2'), request('d', '1/10')], capOne);
    expect(decisions.map((d) => d.ok)).toEqual([true, true, true, false]);
    expect(windowsOverlap(week, nextWeek)).toBe(false);
    expect(windowsOverlap(week, { start: '2025-03-10', end: '2026-03-10' })).toBe(true);
  });

  it('records the anonymized level as infinity: refused under a finite cap, and it voids the window', () => {
    const infinite: SpendRequest = { tenantId: 't1', releaseKey: 'exact', window: week, epsilon: INFINITE_EPSILON };
    expect(decideSpend([], infinite, capOne)).toMatchObject({ ok: false, reason: 'epsilon_cap_exceeded' });
    const { entries, decisions } = replay([infinite, request('dp', '1/2')], parseBudgetCap('infinity'));
    expect(decisions.every((d) => d.ok)).toBe(true);
    expect(spentInWindow(entries, 't1', week).epsilon).toBe(INFINITE_EPSILON);
  });

  it('enforces a delta cap with exact rationals', () => {
    const cap = parseBudgetCap('2', '1/1000000');
    const withDelta = (key: string): SpendRequest => ({ ...request(key, '1/2'), delta: rational(1n, 2_000_000n) });
    const { decisions } = replay([withDelta('a'), withDelta('b'), withDelta('c')], cap);
    expect(decisions.map((d) => (d.ok ? 'ok' : d.reason))).toEqual(['ok', 'ok', 'delta_cap_exceeded']);
  });

  it('composes sequentially by sum and in parallel by max', () => {
    const parts = ['1/5', '1/10', '1/3'].map(parseEpsilon);
    expect(formatEpsilon(composeSequential(parts))).toBe('19/30');
    expect(formatEpsilon(composeParallel(parts))).toBe('1/3');
    expect(composeSequential([parseEpsilon('1'), INFINITE_EPSILON])).toBe(INFINITE_EPSILON);
  });

  it('parses epsilons from config and refuses bad ones', () => {
    expect(parseEpsilon('1/2')).toEqual(rational(1n, 2n));
    expect(parseEpsilon('inf')).toBe(INFINITE_EPSILON);
    expect(() => parseEpsilon('-1')).toThrow(RangeError);
    expect(() => parseEpsilon('0.5.1')).toThrow(RangeError);
    expect(() => decideSpend([], request('x', '1', { start: '2026-03-09', end: '2026-03-02' }), capOne)).toThrow(RangeError);
  });
});

describe('in-memory budget ledger', () => {
  it('lets exactly one of two racing reservations through when both do not fit', async () => {
    const ledger = createInMemoryBudgetLedger({ capOf: () => capOne });
    const results = await Promise.all([
      ledger.reserve('t1', 'job-a', parseEpsilon('3/4'), { window: week }),
      ledger.reserve('t1', 'job-b', parseEpsilon('3/4'), { window: week }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(formatEpsilon((await ledger.spent('t1', week)).epsilon)).toBe('3/4');
  });

  it('lets one of two racing reservations of the same release key through', async () => {
    const ledger = createInMemoryBudgetLedger({ capOf: () => parseBudgetCap('2') });
    const results = await Promise.all([0, 1].map(() => ledger.reserve('t1', 'same', parseEpsilon('1/2'), { window: week })));
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
  });

  it('counts reserved spends like committed ones, and commits by key', async () => {
    const ledger = createInMemoryBudgetLedger({ capOf: () => capOne });
    await ledger.reserve('t1', 'a', parseEpsilon('1/2'), { window: week, metric: 'active_learners' });
    expect(formatEpsilon((await ledger.spent('t1', week)).epsilon)).toBe('1/2');
    await ledger.commit('t1', 'a');
    expect(ledger.entries()[0]).toMatchObject({ status: 'committed', metric: 'active_learners' });
    expect(formatEpsilon((await ledger.spent('t1', { start: '2025-03-10', end: '2026-03-10' })).epsilon)).toBe('1/2');
    await expect(ledger.commit('t1', 'missing')).rejects.toThrow(RangeError);
  });
});

describe('release keys', () => {
  const parts = { tenantId: 't1', window: week, metric: 'active_learners', level: 'dp_medium', definitionVersion: 1 } as const;

  it('are stable and change with every part', () => {
    expect(releaseKey(parts)).toBe(releaseKey({ ...parts }));
    expect(releaseKey(parts)).toMatch(/^[0-9a-f]{64}$/);
    for (const changed of [{ tenantId: 't2' }, { window: nextWeek }, { metric: 'x' }, { level: 'dp_high' as const }, { definitionVersion: 2 }]) {
      expect(releaseKey({ ...parts, ...changed })).not.toBe(releaseKey(parts));
    }
  });

  it('cannot collide by moving a separator between parts', () => {
    // Joined with '|', both would read "t1|x|y|2026-03-09|...".
    const a = releaseKey({ ...parts, tenantId: 't1|x', window: { start: 'y', end: week.end } });
    const b = releaseKey({ ...parts, tenantId: 't1', window: { start: 'x|y', end: week.end } });
    expect(a).not.toBe(b);
  });
});
