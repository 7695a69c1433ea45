import { describe, expect, it } from 'vitest';
import type { ReleasedValue } from '@ebb/contracts';
import { createManualClock } from '../core/clock.ts';
import type { TenantService } from '../access/tenants.ts';
import { createAnalyticsService, type AggregateMetric } from './analytics-service.ts';
import type { ReleaseQuery, ReleaseReader } from './releases/release-reader.ts';

const value: ReleasedValue = {
  metric: 'active_learners', key: null, level: 'dp_medium', mechanism: 'discrete_laplace', value: 41, suppressed: false,
  epsilon: '1/5', delta: '0', scale: '5', interval95: { low: 26, high: 56 }, params: { sensitivity: '1' },
};

function setup(reader: ReleaseReader | null) {
  let computed = 0;
  const metric: AggregateMetric<number, { n: number }> = {
    name: 'sessions', release: 'sessions',
    async compute() { computed++; return 7; },
    publish: (raw) => ({ n: raw }),
  };
  const tenants = { get: async () => ({ id: 't1', name: 'T', createdAt: new Date(0), settings: { minGroupSize: 7 } }) } as unknown as TenantService;
  const service = createAnalyticsService({ db: { all: async () => [] }, tenants, releases: () => reader, clock: createManualClock('2026-03-10T12:00:00Z') });
  return { service, metric, computed: () => computed };
}

describe('analytics service at DP levels', () => {
  it('re-serves the stored release as it is, without computing anything on request', async () => {
    const asked: ReleaseQuery[] = [];
    const reader: ReleaseReader = { read: async (q) => (asked.push(q), { releasedAt: new Date('2026-03-09T02:00:00Z'), epsilon: '1', values: [value] }) };
    const { service, metric, computed } = setup(reader);
    const params = { privacy_level: 'dp_medium', from: '2026-03-02', to: '2026-03-08', tz: 'Europe/Berlin' };
    const first = await service.aggregate(metric, 't1', params, {});
    const second = await service.aggregate(metric, 't1', params, {});
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.data).toEqual({ releases: [value] });
    expect(first.privacy).toEqual({ level: 'dp_medium', minGroupSize: 7, epsilon: '1', source: 'release', releasedAt: '2026-03-09T02:00:00.000Z' });
    expect(asked[0]).toEqual({ tenantId: 't1', metric: 'sessions', level: 'dp_medium', from: '2026-03-02', to: '2026-03-08', timeZone: 'Europe/Berlin' });
    expect(computed()).toBe(0);
  });

  it('says the release is pending when none is stored (or no reader is configured)', async () => {
    for (const reader of [null, { read: async () => null }]) {
      const { service, metric } = setup(reader);
      await expect(service.aggregate(metric, 't1', { privacy_level: 'dp_low' }, {})).rejects.toMatchObject({ code: 'EBB_RELEASE_PENDING' });
    }
  });

  it('computes exact values at anonymized, with the tenant\'s k', async () => {
    const { service, metric, computed } = setup(null);
    const answer = await service.aggregate(metric, 't1', {}, {});
    expect(answer.data).toEqual({ n: 7 });
    expect(answer.privacy.minGroupSize).toBe(7);
    expect(answer.period).toEqual({ from: '2026-02-09', to: '2026-03-10', timeZone: 'UTC' });
    expect(computed()).toBe(1);
  });
});
