import type { PublishedRow, PublishedValue, SuppressionReason } from '@ebb/contracts';
import { suppressComplementary, type AdditiveRelation } from './suppression/index.ts';

/**
 * The `anonymized` level for one answer: every cell (a total, a day, a page, a quest...) with its
 * exact people count and metrics; cells under k people are withheld, and complementary suppression
 * withholds more so that no withheld cell follows from the published totals of the same answer.
 */
export interface Cell<M> {
  readonly key: string;
  /** Distinct people (learners or visitors) behind the cell. */
  readonly people: number;
  readonly metrics: M;
}

export interface PublishedCells<M> {
  row(key: string): PublishedRow<M>;
  value(key: string, metric: keyof M): PublishedValue;
  isPublished(key: string): boolean;
}

export function publishCells<M extends object>(cells: readonly Cell<M>[], relations: readonly AdditiveRelation[], minGroupSize: number): PublishedCells<M> {
  const byKey = new Map(cells.map((c) => [c.key, c]));
  // A cell with nothing in it (no events, no people) is no group of people: published as 0 and
  // left out of the relations, where it adds nothing.
  const empty = new Set(cells.filter((c) => c.people === 0 && Object.values(c.metrics).every((v) => v === 0)).map((c) => c.key));
  const usable = relations
    .filter((r) => byKey.has(r.parent) && !empty.has(r.parent) && r.children.every((c) => byKey.has(c)))
    .map((r) => relation(r.parent, r.children.filter((c) => !empty.has(c))))
    .filter((r) => r.children.length > 0);
  const result = suppressComplementary({ cells: cells.filter((c) => !empty.has(c.key)).map((c) => ({ key: c.key, learners: c.people })), relations: usable, minGroupSize });
  const reason = new Map<string, SuppressionReason>();
  for (const key of result.primary) reason.set(key, 'min_group');
  for (const key of result.complementary) reason.set(key, 'complementary');
  const cell = (key: string): Cell<M> => {
    const c = byKey.get(key);
    if (!c) throw new Error(`no cell ${key}`);
    return c;
  };
  return {
    row(key) {
      const c = cell(key);
      const why = reason.get(key);
      return why ? { key, suppressed: true, reason: why } : ({ key, suppressed: false, ...c.metrics } as PublishedRow<M>);
    },
    value(key, metric) {
      const c = cell(key);
      const why = reason.get(key);
      return why ? { suppressed: true, value: null, reason: why } : { suppressed: false, value: c.metrics[metric] as number };
    },
    isPublished: (key) => byKey.has(key) && !reason.has(key),
  };
}

/** A single count of people (such as monthly active users): withheld under k, nothing to protect it from. */
export function publishCount(people: number, minGroupSize: number): PublishedValue {
  return people < minGroupSize ? { suppressed: true, value: null, reason: 'min_group' } : { suppressed: false, value: people };
}

/** parent = sum of children, for cells present in the answer. */
export const relation = (parent: string, children: readonly string[]): AdditiveRelation => ({ parent, children });
