import { Drop, Reject } from './drop-reasons.ts';
import type { Draft, IngestContext } from './draft.ts';
import { checkTime } from './steps/check-time.ts';
import { privacySignals } from './steps/privacy-signals.ts';
import { pseudonymize } from './steps/pseudonymize.ts';
import { consent } from './steps/consent.ts';
import { scrub } from './steps/scrub.ts';
import { truncateIp } from './steps/truncate-ip.ts';
import { parseUserAgent } from './steps/parse-user-agent.ts';
import { visitorId } from './steps/visitor-id.ts';
import { sessionize } from './steps/sessionize.ts';
import { anonymize } from './steps/anonymize.ts';

export type Step = (d: Draft, ctx: IngestContext) => Draft | Drop | Reject;

/**
 * The ingest pipeline, in order. Validation (the wire schema) and authentication (the API key)
 * happen per request before it. Pseudonymise comes before consent because consent is recorded
 * per subject; the privacy steps run before anything is written.
 */
export const PIPELINE: ReadonlyArray<readonly [name: string, step: Step]> = [
  ['check-time', checkTime],
  ['privacy-signals', privacySignals],
  ['pseudonymize', pseudonymize],
  ['consent', consent],
  ['scrub', scrub],
  ['truncate-ip', truncateIp],
  ['parse-user-agent', parseUserAgent],
  ['visitor-id', visitorId],
  ['sessionize', sessionize],
  ['anonymize', anonymize],
];

export function runPipeline(d: Draft, ctx: IngestContext, steps = PIPELINE): Draft | Drop | Reject {
  let current: Draft | Drop | Reject = d;
  for (const [, step] of steps) {
    current = step(current as Draft, ctx);
    if (current instanceof Drop || current instanceof Reject) return current;
  }
  return current;
}
