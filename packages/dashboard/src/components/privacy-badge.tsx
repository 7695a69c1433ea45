/** What each privacy level promises, in a few words. */
export const LEVEL_TEXT: Record<string, string> = {
  anonymized: 'Exact values; groups of fewer than k learners suppressed',
  dp_low: 'Differential privacy, ε = 2 per release (least noise)',
  dp_medium: 'Differential privacy, ε = 1 per release',
  dp_high: 'Differential privacy, ε = 1/2 per release (most noise)',
  individual: 'One person\'s own rows, shown to those allowed to see them',
};

export function levelName(level: string): string {
  switch (level) {
    case 'anonymized': return 'anonymised (k-anonymity)';
    case 'dp_low': return 'DP low (ε 2)';
    case 'dp_medium': return 'DP medium (ε 1)';
    case 'dp_high': return 'DP high (ε ½)';
    default: return level;
  }
}

/** The privacy level an aggregate was released at, always shown beside it. */
export function PrivacyBadge({ level, k, epsilon }: { level: string | null | undefined; k?: number | null; epsilon?: string | number | null }) {
  const l = level ?? 'unknown';
  const extra = [k ? `k = ${k}` : null, epsilon !== undefined && epsilon !== null && l.startsWith('dp') ? `ε spent ${epsilon}` : null].filter(Boolean).join(', ');
  return (
    <span className={`badge level-${l.startsWith('dp') ? 'dp' : l}`} title={LEVEL_TEXT[l] ?? 'Privacy level of this release'}>
      <span className="visually-hidden">Privacy level: </span>{levelName(l)}{extra ? ` · ${extra}` : ''}
    </span>
  );
}
