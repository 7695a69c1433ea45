/**
 * Exact area under the ROC curve, computed as the Mann-Whitney U statistic: the probability that
 * a random positive scores higher than a random negative, ties counting one half (average ranks).
 * Returns NaN when either class is empty, since the area is then undefined.
 */
export function rocAuc(scores: readonly number[], positives: readonly boolean[]): number {
  if (scores.length !== positives.length) {
    throw new RangeError(`rocAuc needs one label per score (${scores.length} scores, ${positives.length} labels).`);
  }
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positiveRankSum = 0;
  let nPositive = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    // Ranks start..end-1 (1-based: start+1..end) share their average.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (positives[order[k]!]) {
        positiveRankSum += averageRank;
        nPositive++;
      }
    }
    start = end;
  }
  const nNegative = n - nPositive;
  if (nPositive === 0 || nNegative === 0) return Number.NaN;
  return (positiveRankSum - (nPositive * (nPositive + 1)) / 2) / (nPositive * nNegative);
}

/**
 * Standard error of an AUC (Hanley & McNeil, Radiology 143, 1982), to tell a real difference
 * from the noise of a small sample.
 */
export function aucStandardError(auc: number, nPositive: number, nNegative: number): number {
  if (nPositive <= 0 || nNegative <= 0 || Number.isNaN(auc)) return Number.NaN;
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const variance = (auc * (1 - auc) + (nPositive - 1) * (q1 - auc * auc) + (nNegative - 1) * (q2 - auc * auc)) / (nPositive * nNegative);
  return Math.sqrt(Math.max(0, variance));
}
