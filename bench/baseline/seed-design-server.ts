/**
 * The seeds' ingest design as a baseline: a Fastify server taking the same batches as Ebb and
 * writing one INSERT per event into PostgreSQL, as seed 001's tracker does. No scrubbing.
 * Run: node --import tsx bench/baseline/seed-design-server.ts PORT
 */
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.argv[2] ?? 8788);
const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 16 });
const app = Fastify({ bodyLimit: 1024 * 1024 });

interface WireEvent {
  type: string; category?: string; userId?: string; sessionId?: string; occurredAt?: string;
  page?: { path?: string; referrer?: string; durationMs?: number }; props?: unknown; context?: { userAgent?: string; ip?: string };
}

app.post('/api/v1/events', async (req) => {
  const { events } = req.body as { events: WireEvent[] };
  for (const e of events) {
    await pool.query(
      `INSERT INTO user_activity_events (user_id, session_id, event_type, event_category, event_data, page_url, referrer_url, user_agent, ip_address, duration_ms, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11::timestamptz, now()))`,
      [e.userId ?? null, e.sessionId ?? null, e.type, e.category ?? null, JSON.stringify(e.props ?? {}), e.page?.path ?? null, e.page?.referrer ?? null,
        e.context?.userAgent ?? null, e.context?.ip ?? null, e.page?.durationMs ?? null, e.occurredAt ?? null],
    );
  }
  return { accepted: events.length };
});

await app.listen({ host: '127.0.0.1', port });
process.stdout.write(`baseline listening on ${port}\n`);
