import { parseUserAgent as parse } from '../user-agent.ts';
import { Drop } from '../drop-reasons.ts';
import type { Draft, IngestContext } from '../draft.ts';

/** Keeps browser, OS and device type only, never the user-agent string; drops bots from browsers. */
export function parseUserAgent(d: Draft, ctx: IngestContext): Draft | Drop {
  const ua = d.transient.userAgent;
  if (ua === null) return d;
  const parsed = parse(ua);
  if (parsed.deviceType === 'bot' && ctx.source === 'browser') return new Drop('bot');
  d.browser = parsed.browser;
  d.os = parsed.os;
  d.deviceType = parsed.deviceType;
  return d;
}
