import { describe, expect, it } from 'vitest';
import { createRandomSource } from './random.ts';
import { add, formatRational, parseRational, rational, toNumber, ZERO } from './rational.ts';
import { applyMinGroupRule, releaseCount, releaseKeyedCounts, releaseMean } from './release.ts';
import type { Release } from './release.ts';
import { createSeededRandomFill } from './testing/seeded-random-fill.ts';
import { computeWeeklyRelease } from './weekly-release.ts';
import type { WeeklyLearnerActivity } from './weekly-release.ts';
import { splitWeeklyEpsilon, WEEKLY_SPLIT, weeklySplitTotal } from './weekly-split.ts';

const SUBJECTS = ['art', 'maths', 'reading'];

function learners(n: number): WeeklyLearnerActivity[] {
  return Array.from({ length: n }, (_, i) => ({
    learnerId: `learner-${i}`,
    sessionSeconds: Array.from({ length: 1 + (i % 4) }, (_, s) => 600 + ((i * 37 + s * 101) % 50) * 60),
    learningMinutes: 30 + ((i * 53) % 200),
    progressPercent: (i * 29) % 101,
    mastery: SUBJECTS.slice(0, 1 + (i % 3)).map((subject, k) => ({ subject, score: (i * 13 + k * 7) % 101 })),
  }));
}

function seeded(seed: string | number) {
  return createRandomSource({ fill: createSeededRandomFill(seed) });
}

const byMetric = (releases: readonly Release[], metric: string, key: string | null = null) => releases.find((r) => r.metric === metric && r.key === key)!;

describe('releases', () => {
  it('are plain JSON: they round-trip and serialise to identical bytes every time', () => {
    for (const level of ['anonymized', 'dp_medium'] as const) {
      const weekly = computeWeeklyRelease(learners(40), { level, subjects: SUBJECTS, random: seeded('json') });
      const text = JSON.stringify(weekly);
      expect(JSON.parse(text)).toEqual(weekly);
      expect(JSON.stringify(JSON.parse(text))).toBe(text);
    }
  });

  it('a DP count carries its mechanism, epsilon, scale and a 95% interval around the value', () => {
    const r = releaseCount({ level: 'dp_medium', random: seeded('count') }, { metric: 'active_learners', count: 40, epsilon: rational(1n, 5n) });
    expect(r).toMatchObject({ mechanism: 'discrete_laplace', epsilon: '1/5', delta: '0', scale: '5', suppressed: false });
    expect(r.value).toBeGreaterThanOrEqual(0);
    expect(r.interval95!.high - r.value!).toBe(15); // b = 5 gives +-15
    expect(r.value! - r.interval95!.low).toBeLessThanOrEqual(15);
  });

  it('an anonymized count is exact, with epsilon infinity and no scale', () => {
    const r = releaseCount({ level: 'anonymized' }, { metric: 'active_learners', count: 40, epsilon: rational(1n) });
    expect(r).toMatchObject({ mechanism: 'exact', value: 40, epsilon: 'infinity', scale: null, interval95: null });
  });

  it('95% intervals cover the true value in at least about 95% of releases', () => {
    const random = seeded('coverage');
    const runs = 2000;
    let countHits = 0;
    let meanHits = 0;
    const contributions = Array.from({ length: 30 }, (_, i) => [(i * 17) % 101]);
    const trueMean = contributions.flat().reduce((a, b) => a + b, 0) / contributions.length;
    for (let i = 0; i < runs; i++) {
      const c = releaseCount({ level: 'dp_high', random }, { metric: 'n', count: 30, epsilon: rational(1n, 10n) });
      if (c.interval95!.low <= 30 && 30 <= c.interval95!.high) countHits++;
      const m = releaseMean({ level: 'dp_high', random }, { metric: 'p', contributions, lower: 0, upper: 100, maxContributionsPerLearner: 1, sumEpsilon: rational(1n, 20n), count: { release: c } });
      if (m.interval95!.low <= trueMean && trueMean <= m.interval95!.high) meanHits++;
    }
    const floor = 0.95 - 6 * Math.sqrt((0.95 * 0.05) / runs);
    expect(countHits / runs).toBeGreaterThan(floor);
    expect(meanHits / runs).toBeGreaterThan(floor);
  });

  it('the Gaussian option records (epsilon, delta) converted from rho', () => {
    const [r] = releaseKeyedCounts(
      { level: 'dp_medium', random: seeded('gauss') },
      { metric: 'by_subject', keys: ['art'], contributions: [['art']], maxKeysPerLearner: 20, noise: { kind: 'gaussian', rho: rational(1n, 50n), delta: rational(1n, 1_000_000n) } },
    );
    expect(r).toMatchObject({ mechanism: 'discrete_gaussian', delta: '1/1000000', scale: '500', params: { rho: '1/50' } });
    expect(toNumber(parseRational(r!.epsilon))).toBeGreaterThan(0.8);
  });
});

describe('minimum group size on released counts', () => {
  const count = (value: number): Release => ({
    metric: 'active_learners', key: null, level: 'dp_medium', mechanism: 'discrete_laplace', value, suppressed: false,
    epsilon: '1/5', delta: '0', scale: '5', interval95: { low: value - 15, high: value + 15 }, params: {},
  });
  const metric: Release = { ...count(300), metric: 'learning_minutes_total' };

  it('a noisy count of 4 suppresses the count and every metric of the cell', () => {
    const out = applyMinGroupRule(count(4), [metric], 5);
    expect(out.every((r) => r.suppressed && r.value === null && r.interval95 === null)).toBe(true);
    expect(out[1]!.scale).toBe('5'); // public parameters stay, so the UI can explain
  });

  it('a noisy count of 5 publishes the cell unchanged', () => {
    expect(applyMinGroupRule(count(5), [metric], 5)).toEqual([count(5), metric]);
  });

  it('in a weekly release, a noisy active count of 4 suppresses every tenant metric and every subject cell', () => {
    let found = false;
    for (let seed = 0; seed < 500 && !found; seed++) {
      const weekly = computeWeeklyRelease(learners(6), { level: 'dp_medium', subjects: SUBJECTS, random: seeded(`four:${seed}`) });
      const raw = computeWeeklyRelease(learners(6), { level: 'dp_medium', subjects: SUBJECTS, minGroupSize: 1, random: seeded(`four:${seed}`) });
      if (byMetric(raw.releases, 'active_learners').value !== 4) continue;
      found = true;
      expect(weekly.releases.every((r) => r.suppressed && r.value === null)).toBe(true);
    }
    expect(found).toBe(true);
  });

  it('the gate reads the noisy count, not the true one: 3 true learners are published when the noisy count is >= 5', () => {
    let published = 0;
    for (let seed = 0; seed < 50; seed++) {
      const weekly = computeWeeklyRelease(learners(3), { level: 'dp_medium', subjects: SUBJECTS, random: seeded(`three:${seed}`) });
      const active = byMetric(weekly.releases, 'active_learners');
      if (active.suppressed) continue;
      published++;
      expect(active.value).toBeGreaterThanOrEqual(5);
    }
    expect(published).toBeGreaterThan(0);
  });
});

describe('weekly release', () => {
  it('splits the level epsilon with weights that sum to exactly 1', () => {
    expect(formatRational(weeklySplitTotal())).toBe('1');
    const parts = splitWeeklyEpsilon(rational(1n, 2n));
    expect(formatRational(Object.values(parts).reduce(add, ZERO))).toBe('1/2');
    expect(WEEKLY_SPLIT).toHaveLength(8);
  });

  it('uses the scales of the default split at epsilon 1 (m = 20, S = 5)', () => {
    const weekly = computeWeeklyRelease(learners(60), { level: 'dp_medium', subjects: SUBJECTS, random: seeded('scales') });
    const r = weekly.releases;
    expect(weekly.epsilon).toBe('1');
    expect(byMetric(r, 'active_learners').scale).toBe('5');
    expect(byMetric(r, 'learning_minutes_total').scale).toBe('3000');
    expect(byMetric(r, 'session_duration_mean')).toMatchObject({ scale: '1080000', params: { countScale: '200' } });
    expect(byMetric(r, 'session_duration_median').scale).toBe('20');
    expect(byMetric(r, 'mastery_learners', 'maths').scale).toBe('50');
    expect(byMetric(r, 'mastery_mean', 'maths').scale).toBe('2500');
    expect(byMetric(r, 'progress_mean')).toMatchObject({ scale: '500', params: { countReused: 'yes' } });
    // One charge per mechanism: per-subject releases share theirs, the progress mean reuses the count.
    const charged = new Map(r.map((x) => [x.metric, x.epsilon]));
    expect(formatRational([...charged.values()].map(parseRational).reduce(add, ZERO))).toBe('1');
  });

  it('doubles every scale at dp_high and halves it at dp_low', () => {
    const high = computeWeeklyRelease(learners(60), { level: 'dp_high', subjects: SUBJECTS, random: seeded('high') });
    const low = computeWeeklyRelease(learners(60), { level: 'dp_low', subjects: SUBJECTS, random: seeded('low') });
    expect([high.epsilon, low.epsilon]).toEqual(['1/2', '2']);
    expect(byMetric(high.releases, 'active_learners').scale).toBe('10');
    expect(byMetric(low.releases, 'active_learners').scale).toBe('5/2');
    expect(byMetric(high.releases, 'session_duration_median').scale).toBe('40');
    expect(byMetric(low.releases, 'learning_minutes_total').scale).toBe('1500');
  });

  it('publishes every catalog subject, zero included, in DP levels', () => {
    const weekly = computeWeeklyRelease(learners(60), { level: 'dp_medium', subjects: [...SUBJECTS, 'latin'], random: seeded('zero') });
    expect(weekly.releases.filter((r) => r.metric === 'mastery_learners').map((r) => r.key)).toEqual([...SUBJECTS, 'latin']);
  });

  it('at anonymized publishes exact values and suppresses cells under k learners', () => {
    const data = learners(12);
    const weekly = computeWeeklyRelease(data, { level: 'anonymized', subjects: [...SUBJECTS, 'latin'] });
    const r = weekly.releases;
    expect(weekly.epsilon).toBe('infinity');
    expect(byMetric(r, 'active_learners')).toMatchObject({ value: 12, mechanism: 'exact', epsilon: 'infinity' });
    expect(byMetric(r, 'learning_minutes_total').value).toBe(data.reduce((n, l) => n + Number(l.learningMinutes), 0));
    const sessions = data.flatMap((l) => l.sessionSeconds.map(Number));
    expect(byMetric(r, 'session_duration_mean').value).toBeCloseTo(sessions.reduce((a, b) => a + b, 0) / sessions.length);
    // reading: learners with i % 3 == 2, i.e. 4 of 12: under k = 5
    expect(byMetric(r, 'mastery_learners', 'reading')).toMatchObject({ suppressed: true, value: null });
    expect(byMetric(r, 'mastery_mean', 'reading')).toMatchObject({ suppressed: true, value: null });
    expect(byMetric(r, 'mastery_learners', 'maths')).toMatchObject({ suppressed: false, value: 8 });
    expect(byMetric(r, 'mastery_learners', 'latin')).toMatchObject({ suppressed: true });
  });

  it('refuses a learner listed twice', () => {
    const data = learners(2);
    expect(() => computeWeeklyRelease([...data, data[0]!], { level: 'dp_medium', subjects: SUBJECTS })).toThrow(RangeError);
  });
});
