import { clampInteger, toInteger } from './integers.ts';
import type { IntegerInput } from './integers.ts';
import type { RandomSource } from './random.ts';

/**
 * Contribution bounding: the privacy unit is the learner, so each learner's rows are cut down to
 * public limits before aggregation; sensitivities assume it. Every rule here depends only on the
 * learner's own rows (and fresh randomness), never on other learners or on the data set as a whole.
 */

/** A uniformly random subset of k items (all of them when there are at most k), in input order. */
export function sampleWithoutReplacement<T>(random: RandomSource, items: readonly T[], k: number): T[] {
  if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`cannot keep ${k} items`);
  if (items.length <= k) return [...items];
  const indices = items.map((_, i) => i);
  // Partial Fisher-Yates: the first k slots end up a uniform k-subset.
  for (let i = 0; i < k; i++) {
    const j = i + Number(random.uniformBelow(BigInt(indices.length - i)));
    const chosen = indices[j]!;
    indices[j] = indices[i]!;
    indices[i] = chosen;
  }
  return indices.slice(0, k).sort((a, b) => a - b).map((i) => items[i]!);
}

export function groupByLearner<T>(rows: Iterable<T>, learnerOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const learner = learnerOf(row);
    const group = groups.get(learner);
    if (group) group.push(row);
    else groups.set(learner, [row]);
  }
  return groups;
}

export interface BoundRowsOptions<T> {
  learnerOf: (row: T) => string;
  /** m: rows kept per learner, chosen uniformly at random. */
  maxRowsPerLearner: number;
  random: RandomSource;
}

/** At most m rows per learner; returns one array per learner. */
export function boundRowsPerLearner<T>(rows: Iterable<T>, options: BoundRowsOptions<T>): T[][] {
  const out: T[][] = [];
  for (const group of groupByLearner(rows, options.learnerOf).values()) {
    out.push(sampleWithoutReplacement(options.random, group, options.maxRowsPerLearner));
  }
  return out;
}

export interface KeyedValue {
  readonly key: string;
  readonly value: bigint;
}

export interface BoundKeysOptions<T> {
  learnerOf: (row: T) => string;
  keyOf: (row: T) => string;
  valueOf: (row: T) => IntegerInput;
  /** S: keys (subjects, courses) kept per learner, chosen uniformly at random. */
  maxKeysPerLearner: number;
  random: RandomSource;
}

/**
 * At most S distinct keys per learner and one value per (learner, key): a learner with several
 * rows for a key keeps one of them at random. Returns one array of keyed values per learner.
 */
export function boundKeysPerLearner<T>(rows: Iterable<T>, options: BoundKeysOptions<T>): KeyedValue[][] {
  const out: KeyedValue[][] = [];
  for (const group of groupByLearner(rows, options.learnerOf).values()) {
    const byKey = new Map<string, T[]>();
    for (const row of group) {
      const key = options.keyOf(row);
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
    const keys = sampleWithoutReplacement(options.random, [...byKey.keys()], options.maxKeysPerLearner);
    out.push(
      keys.map((key) => {
        const candidates = byKey.get(key)!;
        const [row] = sampleWithoutReplacement(options.random, candidates, 1);
        return { key, value: toInteger(options.valueOf(row!), `value of key ${key}`) };
      }),
    );
  }
  return out;
}

export interface PerLearnerTotalsOptions<T> {
  learnerOf: (row: T) => string;
  valueOf: (row: T) => IntegerInput;
  lower: IntegerInput;
  upper: IntegerInput;
}

/**
 * Clamp each learner's total, not each row: the sum's sensitivity is then max(|lower|, |upper|)
 * instead of m times the row bound.
 */
export function perLearnerTotals<T>(rows: Iterable<T>, options: PerLearnerTotalsOptions<T>): bigint[] {
  const lower = toInteger(options.lower, 'lower');
  const upper = toInteger(options.upper, 'upper');
  const out: bigint[] = [];
  for (const group of groupByLearner(rows, options.learnerOf).values()) {
    let total = 0n;
    for (const row of group) total += toInteger(options.valueOf(row));
    out.push(clampInteger(total, lower, upper));
  }
  return out;
}
