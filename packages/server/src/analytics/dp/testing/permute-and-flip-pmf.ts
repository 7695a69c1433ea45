/** Test helper: the exact output distribution of permute-and-flip, to check the sampler and the median mechanism against. */

/**
 * Exact pmf of permute-and-flip: candidate i is accepted when it is reached and its coin succeeds.
 * Its position is uniform, and the set visited before it is a uniform subset of that size, so
 * P(i) = p_i * (1/K) * sum_t e_t(q) / C(K-1, t), with q_j = 1 - p_j over j != i (e_t elementary symmetric).
 */
export function permuteAndFlipPmf(scores: readonly number[], scale: number): number[] {
  const best = Math.max(...scores);
  const p = scores.map((s) => Math.exp(-(best - s) / scale));
  const k = scores.length;
  return p.map((pi, i) => {
    const e = [1];
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      const q = 1 - p[j]!;
      for (let t = e.length; t >= 1; t--) e[t] = (e[t] ?? 0) + (e[t - 1] ?? 0) * q;
    }
    let total = 0;
    let binom = 1; // C(K-1, t)
    for (let t = 0; t < k; t++) {
      total += (e[t] ?? 0) / binom;
      binom = (binom * (k - 1 - t)) / (t + 1);
    }
    return (pi * total) / k;
  });
}
