import type { AnalyticsEnvelope } from '../api/envelope.ts';
import { PrivacyBadge } from './privacy-badge.tsx';

/** Under every aggregate: the level it was published at, its k, its ε, and where it came from. */
export function PrivacyNote({ privacy, period }: { privacy: AnalyticsEnvelope<unknown>['privacy'] | undefined; period?: AnalyticsEnvelope<unknown>['period'] }) {
  if (!privacy) return <p className="privacy-note muted">Privacy level not stated by the server.</p>;
  const dp = privacy.level.startsWith('dp');
  return (
    <p className="privacy-note" data-testid="privacy-note">
      <PrivacyBadge level={privacy.level} k={privacy.minGroupSize} epsilon={dp ? privacy.epsilon : null} />
      <span className="muted small">
        {' '}Groups under {privacy.minGroupSize} learners are withheld (marked ▨ suppressed).
        {dp ? ` Values carry noise; each shows its 95 % interval. Release computed ${privacy.releasedAt ? new Date(privacy.releasedAt).toLocaleString() : 'by the ETL'}, re-served unchanged.` : ' Values are exact.'}
        {period ? ` Period ${period.from} to ${period.to} (${period.timeZone}).` : ''}
      </span>
    </p>
  );
}
