import { addDays } from '../date-range.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbStore, type DuckDbStore } from '../../store/duckdb/index.ts';
import { createDuckDbReleaseStore } from '../../store/duckdb/release-store.ts';
import { createReleaseReader } from './release-reader.ts';
import type { ReleaseStore, StoredReleaseRow } from './release-store.ts';
import { weeksWithin, weekStartOf } from './release-weeks.ts';

const value = (week: string, v: number) => ({
  metric: 'active_learners', key: null, level: 'dp_medium', mechanism: 'discrete_laplace', value: v, suppressed: false,
  epsilon: '1/5', delta: '0', scale: '5', interval95: { low: v - 15, high: v + 15 }, params: { sensitivity: '1', window_start: week },
});

const row = (week: string, over: Partial<StoredReleaseRow> = {}): StoredReleaseRow => ({
  releaseKey: `k-${week}-${over.definitionVersion ?? 1}-${over.timeZone ?? 'UTC'}`, tenantId: 't1', metric: 'weekly_activity', level: 'dp_medium',
  timeZone: 'UTC', windowStart: week, windowEnd: addDays(week, 7),
  definitionVersion: 1, epsilon: '1/5', delta: '0', payload: JSON.stringify([value(week, 40)]), releasedAt: new Date('2025-01-20T02:00:00Z'), etlRunId: 'r1',
  ...over,
});

describe('release weeks', () => {
  it('serves the ISO weeks wholly inside a period', () => {
    expect(weeksWithin('2025-01-06', '2025-01-19')).toEqual(['2025-01-06', '2025-01-13']);
    expect(weeksWithin('2025-01-07', '2025-01-19')).toEqual(['2025-01-13']);
    expect(weeksWithin('2025-01-06', '2025-01-11')).toEqual([]);
    expect(weekStartOf('2025-01-12')).toBe('2025-01-06');
  });
});

describe('release reader over DuckDB', () => {
  let store: DuckDbStore;
  let releases: ReleaseStore;
  beforeAll(async () => {
    store = await createDuckDbStore(':memory:');
    releases = createDuckDbReleaseStore(await store.connect());
    await releases.insert(row('2025-01-06'));
    await releases.insert(row('2025-01-13', { payload: JSON.stringify([value('2025-01-13', 41)]), releasedAt: new Date('2025-01-21T02:00:00Z') }));
    await releases.insert(row('2025-01-13', { definitionVersion: 2, epsilon: '1/5', payload: JSON.stringify([value('2025-01-13', 44)]), releasedAt: new Date('2025-01-22T02:00:00Z') }));
    await releases.insert(row('2025-01-06', { timeZone: 'Europe/Berlin', payload: JSON.stringify([value('2025-01-06', 99)]) }));
  });
  afterAll(async () => store.close());

  const q = { tenantId: 't1', metric: 'weekly_activity', level: 'dp_medium' as const, from: '2025-01-06', to: '2025-01-19', timeZone: 'UTC' };

  it('re-serves every week of the period, the newest definition of each, with the losses added up', async () => {
    const r = await createReleaseReader({ store: releases }).read(q);
    expect(r).not.toBeNull();
    expect(r!.values.map((v) => v.value)).toEqual([40, 44]);
    expect(r!.epsilon).toBe('2/5');
    expect(r!.releasedAt.toISOString()).toBe('2025-01-22T02:00:00.000Z');
  });

  it('answers null when a week of the period is not released, when no whole week is asked, or in another time zone', async () => {
    const reader = createReleaseReader({ store: releases });
    expect(await reader.read({ ...q, to: '2025-01-26' })).toBeNull();
    expect(await reader.read({ ...q, from: '2025-01-07', to: '2025-01-12' })).toBeNull();
    expect(await reader.read({ ...q, timeZone: 'America/New_York' })).toBeNull();
    expect(await reader.read({ ...q, level: 'dp_high' })).toBeNull();
    expect(await reader.read({ ...q, tenantId: 't2' })).toBeNull();
    expect((await reader.read({ ...q, to: '2025-01-12', timeZone: 'Europe/Berlin' }))!.values[0]!.value).toBe(99);
  });

  it('gives byte-identical answers on repeated reads', async () => {
    const reader = createReleaseReader({ store: releases });
    const a = JSON.stringify(await reader.read(q));
    const b = JSON.stringify(await reader.read(q));
    expect(a).toBe(b);
  });

  it('refuses a second insert of the same release key', async () => {
    await expect(releases.insert(row('2025-01-06'))).rejects.toThrow();
  });
});
