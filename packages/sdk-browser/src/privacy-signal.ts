export type PrivacySignal = 'gpc' | 'dnt';

/** Global Privacy Control first (it has legal weight in some states), then Do-Not-Track. */
export function privacySignal(nav: { globalPrivacyControl?: unknown; doNotTrack?: unknown }, win: { doNotTrack?: unknown } = {}): PrivacySignal | null {
  if (nav.globalPrivacyControl === true) return 'gpc';
  return nav.doNotTrack === '1' || nav.doNotTrack === 'yes' || win.doNotTrack === '1' ? 'dnt' : null;
}
