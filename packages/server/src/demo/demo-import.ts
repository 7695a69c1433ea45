import type { Services } from '../app/services.ts';
import { isEbbError } from '../core/errors.ts';
import { ouladDemoEvents, type DemoEvent, type DemoSource } from './oulad-demo.ts';
import { syntheticDemoEvents } from './synthetic-activity.ts';

export interface DemoImportResult {
  events: number;
  /** Of `events`, those from the real OULAD presentation and those synthesised around it. */
  real: number;
  synthetic: number;
  accepted: number;
  duplicates: number;
  dropped: number;
  rejected: number;
  seconds: number;
}

/** The demo's two streams: the real presentation first, then the synthetic platform activity around it. */
const STREAMS: Array<{ kind: 'real' | 'synthetic'; events: (source?: Partial<DemoSource>) => AsyncGenerator<DemoEvent[]> }> = [
  { kind: 'real', events: ouladDemoEvents },
  { kind: 'synthetic', events: syntheticDemoEvents },
];

/**
 * Feeds the demo's events through the same ingest pipeline as any app's (validation, scrubbing,
 * pseudonymisation, retention windows), as the demo tenant's server key.
 */
export async function importDemoEvents(
  s: Services,
  serverKey: string,
  options: { source?: Partial<DemoSource>; progress?: (done: number) => void } = {},
): Promise<DemoImportResult> {
  const key = await s.keys.authenticate(serverKey);
  const started = performance.now();
  const total: DemoImportResult = { events: 0, real: 0, synthetic: 0, accepted: 0, duplicates: 0, dropped: 0, rejected: 0, seconds: 0 };
  for (const stream of STREAMS) for await (const batch of stream.events(options.source)) {
    for (;;) {
      try {
        const r = await s.ingest.ingest({ key, source: 'server', events: batch, ip: null, userAgent: null, privacySignal: false });
        total.accepted += r.accepted;
        total.duplicates += r.duplicates;
        total.dropped += r.dropped;
        total.rejected += r.rejected.length;
        break;
      } catch (err) {
        // Live traffic comes first: wait while the write queue is full.
        if (!isEbbError(err) || err.code !== 'EBB_OVERLOADED') throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    total.events += batch.length;
    total[stream.kind] += batch.length;
    options.progress?.(total.events);
  }
  total.seconds = Math.round((performance.now() - started) / 100) / 10;
  return total;
}
