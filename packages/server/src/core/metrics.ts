import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestObserver } from '../ingest/ingest-service.ts';
import type { WriterObserver } from '../ingest/writer.ts';

/** Prometheus metrics. Labels never carry personal data: reasons, kinds and codes only. */
export interface Metrics {
  registry: Registry;
  ingest: IngestObserver;
  writer: WriterObserver;
  /** Gauges that other services (lifecycle) register on the same registry; `collect` runs on each scrape. */
  gauge(name: string, help: string, labelNames?: string[], collect?: () => Promise<void> | void): Gauge;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ebb_process_' });
  const accepted = new Counter({ name: 'ebb_ingest_events_accepted_total', help: 'Events committed to the store', registers: [registry] });
  const dropped = new Counter({ name: 'ebb_ingest_events_dropped_total', help: 'Events not stored, by reason', labelNames: ['reason'], registers: [registry] });
  const rejected = new Counter({ name: 'ebb_ingest_events_rejected_total', help: 'Events refused as invalid, by error code', labelNames: ['code'], registers: [registry] });
  const redactions = new Counter({ name: 'ebb_ingest_redactions_total', help: 'Values redacted at ingest, by kind', labelNames: ['kind'], registers: [registry] });
  const depth = new Gauge({ name: 'ebb_ingest_queue_depth', help: 'Events waiting to be committed', registers: [registry] });
  const latency = new Histogram({
    name: 'ebb_ingest_commit_seconds', help: 'Time to commit one group of events', registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  const groupSize = new Histogram({
    name: 'ebb_ingest_commit_events', help: 'Events per committed group', registers: [registry],
    buckets: [1, 10, 100, 500, 1000, 5000, 10000, 20000],
  });
  const gauges = new Map<string, Gauge>();
  return {
    registry,
    ingest: {
      accepted: (n) => accepted.inc(n),
      dropped: (reason, n) => dropped.inc({ reason }, n),
      rejected: (code, n) => rejected.inc({ code }, n),
      redacted: (r) => {
        for (const [kind, n] of Object.entries(r) as Array<[string, number | undefined]>) if (n) redactions.inc({ kind }, n);
      },
    },
    writer: {
      queueDepth: (n) => depth.set(n),
      committed: (n, s) => {
        latency.observe(s);
        groupSize.observe(n);
      },
    },
    gauge(name, help, labelNames = [], collect) {
      let g = gauges.get(name);
      if (!g) {
        g = new Gauge({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });
        gauges.set(name, g);
      }
      return g;
    },
  };
}
