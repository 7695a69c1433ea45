import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findRecoverableCells, maskSuppressedCells, suppressComplementary } from './complementary-suppression.ts';
import type { AdditiveRelation, SuppressionCell, SuppressionResult } from './complementary-suppression.ts';

const K = 5;

function cells(counts: Record<string, number>): SuppressionCell[] {
  return Object.entries(counts).map(([key, learners]) => ({ key, learners }));
}

// ----------------------------------------------------------------- independent oracle (mod p)

const P = 1_000_003;

function rankModP(matrix: number[][]): number {
  const m = matrix.map((r) => r.map((v) => ((v % P) + P) % P));
  let rank = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && rank < m.length; c++) {
    const p = m.findIndex((row, i) => i >= rank && row[c] !== 0);
    if (p < 0) continue;
    [m[rank], m[p]] = [m[p]!, m[rank]!];
    const inv = modInverse(m[rank]![c]!);
    for (let i = 0; i < m.length; i++) {
      if (i === rank || m[i]![c] === 0) continue;
      const f = (m[i]![c]! * inv) % P;
      for (let j = 0; j < cols; j++) m[i]![j] = (((m[i]![j]! - f * m[rank]![j]!) % P) + P) % P;
    }
    rank++;
  }
  return rank;
}

function modInverse(a: number): number {
  let [r0, r1, s0, s1] = [a, P, 1, 0];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return ((s0 % P) + P) % P;
}

/** Suppressed cells whose value the relations pin down: e_i lies in the row space of the system. */
function determinedByOracle(relations: readonly AdditiveRelation[], suppressed: readonly string[]): string[] {
  const col = new Map(suppressed.map((k, i) => [k, i]));
  const rows = relations.map((r) => {
    const row = suppressed.map(() => 0);
    if (col.has(r.parent)) row[col.get(r.parent)!]! += 1;
    for (const c of r.children) if (col.has(c)) row[col.get(c)!]! -= 1;
    return row;
  });
  const base = rankModP(rows);
  return suppressed.filter((_, i) => rankModP([...rows, suppressed.map((__, j) => (j === i ? 1 : 0))]) === base);
}

function checkInvariants(input: { cells: SuppressionCell[]; relations: AdditiveRelation[] }, result: SuppressionResult): void {
  const hidden = new Set(result.suppressed);
  const learners = new Map(input.cells.map((c) => [c.key, c.learners]));
  for (const c of input.cells) if (c.learners < K) expect(hidden.has(c.key)).toBe(true);
  for (const r of input.relations) {
    const members = [r.parent, ...r.children];
    const hiddenMembers = members.filter((m) => hidden.has(m));
    // No single subtraction from a published relation recovers a cell.
    expect(hiddenMembers.length === 0 || hiddenMembers.length >= 2).toBe(true);
    const hiddenChildren = r.children.filter((c) => hidden.has(c));
    if (hiddenChildren.length > 0 && hiddenMembers.length < members.length) {
      // The suppressed union is itself a group of at least k learners.
      expect(hiddenChildren.length).toBeGreaterThanOrEqual(2);
      expect(hiddenChildren.reduce((n, c) => n + learners.get(c)!, 0)).toBeGreaterThanOrEqual(K);
    }
  }
  // Nor does any combination of published relations.
  expect(determinedByOracle(input.relations, result.suppressed)).toEqual([]);
}

// -------------------------------------------------------------------------------- generators

/** A hierarchy (course -> subject -> tenant style): leaves with small counts, parents are sums. */
const hierarchy = fc
  .array(fc.array(fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })
  .map((tree) => {
    const counts: Record<string, number> = {};
    const relations: AdditiveRelation[] = [];
    const top: string[] = [];
    tree.forEach((mid, a) => {
      const midKeys: string[] = [];
      mid.forEach((leaves, b) => {
        const leafKeys = leaves.map((n, c) => {
          counts[`l${a}.${b}.${c}`] = n;
          return `l${a}.${b}.${c}`;
        });
        counts[`m${a}.${b}`] = leaves.reduce((x, y) => x + y, 0);
        relations.push({ parent: `m${a}.${b}`, children: leafKeys });
        midKeys.push(`m${a}.${b}`);
      });
      counts[`s${a}`] = midKeys.reduce((x, k) => x + counts[k]!, 0);
      relations.push({ parent: `s${a}`, children: midKeys });
      top.push(`s${a}`);
    });
    counts['total'] = top.reduce((x, k) => x + counts[k]!, 0);
    relations.push({ parent: 'total', children: top });
    return { cells: cells(counts), relations };
  });

/** A two-way table (cohort x subject) with row, column and grand totals. */
const cellCount = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }));

function crossTableOf(r: number, c: number, v: readonly number[]): { cells: SuppressionCell[]; relations: AdditiveRelation[] } {
  const counts: Record<string, number> = {};
  const relations: AdditiveRelation[] = [];
  const at = (i: number, j: number) => `x${i}.${j}`;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) counts[at(i, j)] = v[i * c + j]!;
  const rows = Array.from({ length: r }, (_, i) => `row${i}`);
  const cols = Array.from({ length: c }, (_, j) => `col${j}`);
  rows.forEach((key, i) => {
    const children = cols.map((_, j) => at(i, j));
    counts[key] = children.reduce((x, k) => x + counts[k]!, 0);
    relations.push({ parent: key, children });
  });
  cols.forEach((key, j) => {
    const children = rows.map((_, i) => at(i, j));
    counts[key] = children.reduce((x, k) => x + counts[k]!, 0);
    relations.push({ parent: key, children });
  });
  counts['total'] = rows.reduce((x, k) => x + counts[k]!, 0);
  relations.push({ parent: 'total', children: rows }, { parent: 'total', children: cols });
  return { cells: cells(counts), relations };
}

const crossTable = fc
  .tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }))
  .chain(([r, c]) => fc.array(cellCount, { minLength: r * c, maxLength: r * c }).map((v) => crossTableOf(r, c, v)));

// ------------------------------------------------------------------------------------- tests

describe('complementary suppression', () => {
  it('suppresses a small cell and a complement, so the total cannot recover it', () => {
    const input = { cells: cells({ a: 3, b: 10, c: 12, total: 25 }), relations: [{ parent: 'total', children: ['a', 'b', 'c'] }] };
    const result = suppressComplementary(input);
    expect(result).toEqual({ suppressed: ['a', 'b'], primary: ['a'], complementary: ['b'], published: ['c', 'total'] });
    checkInvariants(input, result);
  });

  it('adds complements until the suppressed union has at least k learners', () => {
    const input = { cells: cells({ a: 1, b: 2, c: 20, d: 30, total: 53 }), relations: [{ parent: 'total', children: ['a', 'b', 'c', 'd'] }] };
    expect(suppressComplementary(input).suppressed).toEqual(['a', 'b', 'c']);
  });

  it('breaks ties by key, whatever the input order', () => {
    const counts = { a: 2, z: 9, y: 9, total: 20 };
    const forward = suppressComplementary({ cells: cells(counts), relations: [{ parent: 'total', children: ['a', 'z', 'y'] }] });
    const reversed = suppressComplementary({ cells: cells(counts).reverse(), relations: [{ parent: 'total', children: ['y', 'z', 'a'] }] });
    expect(forward.suppressed).toEqual(['a', 'y']);
    expect(reversed).toEqual(forward);
  });

  it('reaches a fixed point across levels: a suppressed parent forces suppression among its own children', () => {
    // s1 = c1 + c2 has 4 learners (primary). Hiding s1 in the tenant relation hides s2 too, and s2 would
    // then be the sum of its published children c3 + c4, giving back s1 = total - s2: so c3 and c4 go too.
    const input = {
      cells: cells({ c1: 1, c2: 3, c3: 20, c4: 30, s1: 4, s2: 50, total: 54 }),
      relations: [
        { parent: 'total', children: ['s1', 's2'] },
        { parent: 's1', children: ['c1', 'c2'] },
        { parent: 's2', children: ['c3', 'c4'] },
      ],
    };
    const result = suppressComplementary(input);
    expect(result.suppressed).toEqual(['c1', 'c2', 'c3', 'c4', 's1', 's2']);
    expect(result.published).toEqual(['total']);
    checkInvariants(input, result);
  });

  it('suppresses the parent when all children are suppressed and still under k', () => {
    const input = { cells: cells({ a: 1, b: 1, total: 7 }), relations: [{ parent: 'total', children: ['a', 'b'] }] };
    expect(suppressComplementary(input).suppressed).toEqual(['a', 'b', 'total']);
  });

  it('finds a cell pinned down by several relations together, which per-relation rules miss', () => {
    // Two 2x2 blocks of suppressed cells joined by x2.3: every row and column has 0 or >= 2
    // suppressed cells, yet (row1 + row2) - (col1 + col2) isolates x2.3.
    const suppressed = new Set(['x1.1', 'x1.2', 'x2.1', 'x2.2', 'x2.3', 'x3.3', 'x3.4', 'x4.3', 'x4.4']);
    const relations: AdditiveRelation[] = [];
    for (let i = 1; i <= 4; i++) relations.push({ parent: `row${i}`, children: [1, 2, 3, 4].map((j) => `x${i}.${j}`) });
    for (let j = 1; j <= 4; j++) relations.push({ parent: `col${j}`, children: [1, 2, 3, 4].map((i) => `x${i}.${j}`) });
    expect(findRecoverableCells(relations, suppressed)).toEqual(['x2.3']);
    expect(determinedByOracle(relations, [...suppressed].sort())).toEqual(['x2.3']);
    // Negative control for the oracle itself: a lone suppressed cell in a row is found.
    expect(findRecoverableCells(relations, new Set(['x1.1']))).toEqual(['x1.1']);
  });

  it('on a 4 x 5 table where the per-relation rules alone leave two cells determined, the result leaks nothing', () => {
    // Found by search: after the per-relation fixed point, x0.0 and x3.0 follow from combining rows and columns.
    const values = [3, 2, 9, 30, 31, 13, 36, 3, 38, 4, 11, 4, 15, 1, 39, 2, 27, 3, 35, 17];
    const input = crossTableOf(4, 5, values);
    const result = suppressComplementary(input);
    checkInvariants(input, result);
    expect(result.suppressed.length).toBeGreaterThan(10);
  });

  it('negative control: primary suppression alone fails the same invariants', () => {
    const primaryOnly = (input: { cells: SuppressionCell[] }): SuppressionResult => {
      const primary = input.cells.filter((c) => c.learners < K).map((c) => c.key).sort();
      return { suppressed: primary, primary, complementary: [], published: [] };
    };
    const outcome = fc.check(fc.property(crossTable, (input) => checkInvariants(input, primaryOnly(input))), { numRuns: 200 });
    expect(outcome.failed).toBe(true);
  });

  it('masks every metric of a suppressed cell', () => {
    const masked = maskSuppressedCells(
      [
        { key: 'a', metrics: { learners: 3, hours: 12, meanScore: 71 } },
        { key: 'b', metrics: { learners: 9, hours: 40, meanScore: 64 } },
      ],
      ['a'],
    );
    expect(masked).toEqual([
      { key: 'a', suppressed: true, metrics: { learners: null, hours: null, meanScore: null } },
      { key: 'b', suppressed: false, metrics: { learners: 9, hours: 40, meanScore: 64 } },
    ]);
  });

  it('refuses malformed input', () => {
    expect(() => suppressComplementary({ cells: cells({ a: 1 }), relations: [{ parent: 'a', children: ['b'] }] })).toThrow(RangeError);
    expect(() => suppressComplementary({ cells: [...cells({ a: 1 }), ...cells({ a: 2 })], relations: [] })).toThrow(RangeError);
    expect(() => suppressComplementary({ cells: cells({ a: 1.5 }), relations: [] })).toThrow(RangeError);
    expect(() => suppressComplementary({ cells: cells({ a: 1, b: 2 }), relations: [{ parent: 'a', children: ['a', 'b'] }] })).toThrow(RangeError);
  });

  it('property: in random hierarchies no suppressed cell can be recovered from published relations', () => {
    fc.assert(fc.property(hierarchy, (input) => checkInvariants(input, suppressComplementary(input))), { numRuns: 200 });
  });

  it('property: in random two-way tables with margins no suppressed cell can be recovered', () => {
    fc.assert(fc.property(crossTable, (input) => checkInvariants(input, suppressComplementary(input))), { numRuns: 200 });
  });

  it('property: the result does not depend on the order of cells and relations', () => {
    fc.assert(
      fc.property(crossTable, fc.integer(), (input, seed) => {
        const shuffle = <T>(xs: readonly T[]) => xs.map((x, i) => ({ x, k: (i * 7919 + seed) % 104729 })).sort((a, b) => a.k - b.k).map((e) => e.x);
        const shuffled = { cells: shuffle(input.cells), relations: shuffle(input.relations).map((r) => ({ ...r, children: [...r.children].reverse() })) };
        expect(suppressComplementary(shuffled)).toEqual(suppressComplementary(input));
      }),
      { numRuns: 100 },
    );
  });
});
