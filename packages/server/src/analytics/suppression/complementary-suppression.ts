/**
 * Complementary suppression for the `anonymized` level, which publishes exact values. Suppressing
 * the groups under k learners is not enough when totals are published too: a lone suppressed cell
 * equals its parent minus the published siblings. After primary suppression this repeats, over every
 * additive relation, until nothing changes:
 *
 * - a relation with a suppressed child needs at least 2 suppressed children whose learner counts add
 *   up to at least k (otherwise the suppressed union is itself a small group); if not, suppress the
 *   unsuppressed child with the smallest count (ties by key), or the parent when no child is left;
 * - a relation whose parent is suppressed needs a suppressed child (otherwise the parent is the sum
 *   of published children), which then triggers the rule above;
 * - finally, no suppressed cell may be determined by the system of all relations together (exact
 *   linear algebra); if one is, suppress the smallest published cell of a relation it belongs to.
 *
 * Every choice is ordered by (learners, key), so the result does not depend on input order.
 */

export interface SuppressionCell {
  readonly key: string;
  /** Exact number of learners in the cell. */
  readonly learners: number;
}

/** parent = sum of children, for every published additive metric (learners, hours, ...). */
export interface AdditiveRelation {
  readonly parent: string;
  readonly children: readonly string[];
}

export interface ComplementarySuppressionInput {
  readonly cells: readonly SuppressionCell[];
  readonly relations: readonly AdditiveRelation[];
  /** k: cells with fewer learners are suppressed (default 5). */
  readonly minGroupSize?: number;
}

export interface SuppressionResult {
  /** Every suppressed key, sorted. */
  readonly suppressed: readonly string[];
  /** Suppressed because the cell has fewer than k learners. */
  readonly primary: readonly string[];
  /** Suppressed only to protect other cells. */
  readonly complementary: readonly string[];
  readonly published: readonly string[];
}

const DEFAULT_MIN_GROUP_SIZE = 5;

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function validate(input: ComplementarySuppressionInput): { learners: Map<string, number>; relations: AdditiveRelation[]; k: number } {
  const k = input.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError('minGroupSize must be an integer >= 1');
  const learners = new Map<string, number>();
  for (const cell of input.cells) {
    if (learners.has(cell.key)) throw new RangeError(`cell ${cell.key} appears twice`);
    if (!Number.isSafeInteger(cell.learners) || cell.learners < 0) throw new RangeError(`cell ${cell.key} needs a learner count >= 0`);
    learners.set(cell.key, cell.learners);
  }
  const relations = input.relations.map((r) => {
    const children = [...r.children].sort(byKey);
    if (children.length === 0) throw new RangeError(`relation of ${r.parent} has no children`);
    if (new Set(children).size !== children.length) throw new RangeError(`relation of ${r.parent} lists a child twice`);
    if (children.includes(r.parent)) throw new RangeError(`relation of ${r.parent} lists its parent as a child`);
    for (const key of [r.parent, ...children]) if (!learners.has(key)) throw new RangeError(`relation refers to unknown cell ${key}`);
    return { parent: r.parent, children };
  });
  // A canonical order makes the fixed point independent of how the caller listed the relations.
  relations.sort((a, b) => byKey(a.parent, b.parent) || byKey(a.children.join('\u0000'), b.children.join('\u0000')));
  return { learners, relations, k };
}

function smallest(keys: readonly string[], learners: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  for (const key of keys) {
    if (best === undefined) {
      best = key;
      continue;
    }
    const d = learners.get(key)! - learners.get(best)!;
    if (d < 0 || (d === 0 && key < best)) best = key;
  }
  return best;
}

/** Suppresses cells of one relation until it satisfies the rules; returns whether anything changed. */
function settleRelation(relation: AdditiveRelation, learners: ReadonlyMap<string, number>, k: number, suppressed: Set<string>): boolean {
  let changed = false;
  for (;;) {
    const hidden = relation.children.filter((c) => suppressed.has(c));
    const open = relation.children.filter((c) => !suppressed.has(c));
    const parentHidden = suppressed.has(relation.parent);
    if (hidden.length === 0 && !parentHidden) return changed;
    if (hidden.length >= 2 && hidden.reduce((n, c) => n + learners.get(c)!, 0) >= k) return changed;
    const next = smallest(open, learners) ?? (parentHidden ? undefined : relation.parent);
    if (next === undefined) return changed; // every member is suppressed
    suppressed.add(next);
    changed = true;
  }
}

/**
 * Suppressed cells whose exact value follows from the published cells and the relations, by any
 * combination of the equations (not only one subtraction). Exact elimination over the integers.
 */
export function findRecoverableCells(relations: readonly AdditiveRelation[], suppressed: ReadonlySet<string>): string[] {
  const unknowns = [...suppressed].sort(byKey);
  const column = new Map(unknowns.map((key, i) => [key, i]));
  const rows: bigint[][] = [];
  for (const r of relations) {
    const row = unknowns.map(() => 0n);
    let any = false;
    for (const [key, coefficient] of [[r.parent, 1n], ...r.children.map((c) => [c, -1n] as const)] as const) {
      const i = column.get(key);
      if (i === undefined) continue; // published: moves to the known side
      row[i]! += coefficient;
      any = true;
    }
    if (any) rows.push(row);
  }
  // Reduced row echelon form, fraction-free, pivots cleared above and below.
  const pivots: number[] = [];
  let rank = 0;
  for (let c = 0; c < unknowns.length && rank < rows.length; c++) {
    const p = rows.findIndex((row, i) => i >= rank && row[c] !== 0n);
    if (p < 0) continue;
    [rows[rank], rows[p]] = [rows[p]!, rows[rank]!];
    const pivotRow = rows[rank]!;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (i === rank || row[c] === 0n) continue;
      const f = row[c]!;
      const g = pivotRow[c]!;
      for (let j = 0; j < row.length; j++) row[j] = row[j]! * g - pivotRow[j]! * f;
      normalise(row);
    }
    pivots.push(c);
    rank++;
  }
  const pivotSet = new Set(pivots);
  const recoverable: string[] = [];
  pivots.forEach((c, r) => {
    const row = rows[r]!;
    // A pivot unknown is determined when its row involves no free unknown.
    if (row.every((v, j) => j === c || v === 0n || pivotSet.has(j))) recoverable.push(unknowns[c]!);
  });
  return recoverable.sort(byKey);
}

function normalise(row: bigint[]): void {
  let g = 0n;
  for (const v of row) {
    let a = v < 0n ? -v : v;
    let b = g;
    while (b !== 0n) [a, b] = [b, a % b];
    g = a;
  }
  if (g > 1n) for (let j = 0; j < row.length; j++) row[j] = row[j]! / g;
}

export function suppressComplementary(input: ComplementarySuppressionInput): SuppressionResult {
  const { learners, relations, k } = validate(input);
  const primary = [...learners.keys()].filter((key) => learners.get(key)! < k).sort(byKey);
  const suppressed = new Set(primary);
  const blocked = new Set<string>();

  for (;;) {
    let changed = false;
    for (const relation of relations) if (settleRelation(relation, learners, k, suppressed)) changed = true;
    if (changed) continue;
    // Fixed point of the per-relation rules; now look for cells the relations pin down together.
    const leak = findRecoverableCells(relations, suppressed).find((key) => !blocked.has(key));
    if (leak === undefined) break;
    const neighbours = new Set<string>();
    for (const r of relations) {
      if (r.parent !== leak && !r.children.includes(leak)) continue;
      for (const key of [r.parent, ...r.children]) if (!suppressed.has(key)) neighbours.add(key);
    }
    const next = smallest([...neighbours], learners);
    if (next === undefined) {
      blocked.add(leak); // fully determined by suppressed cells alone: nothing more to hide it with
      continue;
    }
    suppressed.add(next);
  }

  const all = [...learners.keys()].sort(byKey);
  const primarySet = new Set(primary);
  return {
    suppressed: all.filter((key) => suppressed.has(key)),
    primary,
    complementary: all.filter((key) => suppressed.has(key) && !primarySet.has(key)),
    published: all.filter((key) => !suppressed.has(key)),
  };
}

/** A cell ready to publish: every metric of a suppressed cell is withheld, none is summed up elsewhere. */
export interface MaskedCell<M extends string> {
  readonly key: string;
  readonly suppressed: boolean;
  readonly metrics: Readonly<Record<M, number | null>>;
}

export function maskSuppressedCells<M extends string>(
  cells: readonly { readonly key: string; readonly metrics: Readonly<Record<M, number>> }[],
  suppressed: Iterable<string>,
): MaskedCell<M>[] {
  const hidden = new Set(suppressed);
  return cells.map((cell) => {
    if (!hidden.has(cell.key)) return { key: cell.key, suppressed: false, metrics: { ...cell.metrics } };
    const metrics = {} as Record<M, number | null>;
    for (const name of Object.keys(cell.metrics) as M[]) metrics[name] = null;
    return { key: cell.key, suppressed: true, metrics };
  });
}
