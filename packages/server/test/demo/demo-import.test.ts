import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoTenant } from '../../src/demo/demo-tenant.ts';
import { importDemoEvents, type DemoImportResult } from '../../src/demo/demo-import.ts';
import { ouladAvailable } from '../../src/demo/oulad-demo.ts';
import { DEMO_QUESTS, IEP_LEARNERS } from '../../src/demo/synthetic-activity.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';

const hasOulad = ouladAvailable();
if (!hasOulad) console.warn('SKIPPED demo import tests: the OULAD data set (../shared/data/oulad) is not beside this checkout.');

/** Synthetic events per type: the seeded synthesis gives exactly these on every machine. */
const SYNTHETIC_BY_TYPE = {
  assessment_submitted: 3849,
  page_view: 3599,
  quest_viewed: 3599,
  page_exit: 3599,
  quest_started: 2649,
  quest_completed: 1856,
  badge_earned: 1534,
  javascript_error: 409,
  quest_abandoned: 399,
  goal_progress: 912,
  network_error: 38,
  api_error: 28,
};
/** Events built from the OULAD records themselves (clicks, assessments, goal progress from activity). */
const REAL_EVENTS = 188_047;

describe.skipIf(!hasOulad)('the demo tenant after its first-start import', () => {
  let ebb: TestServer;
  let tenantId: string;
  let result: DemoImportResult;
  const rows = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => ebb.query<T>(sql, [tenantId, ...params]);

  beforeAll(async () => {
    ebb = await startTestServer();
    const demo = await ensureDemoTenant(ebb.services, 'http://localhost:8080');
    tenantId = demo.tenantId!;
    result = await importDemoEvents(ebb.services, demo.serverKey!);
  }, 240_000);
  afterAll(async () => ebb?.close());

  it('stores every event it sends, real and synthetic, through the ingest pipeline', () => {
    const synthetic = Object.values(SYNTHETIC_BY_TYPE).reduce((a, b) => a + b, 0);
    // The OULAD stream's 362 made-up errors are marked synthetic too.
    expect(result).toMatchObject({ real: REAL_EVENTS, synthetic: synthetic - 362, rejected: 0, dropped: 0, duplicates: 0 });
    expect(result.accepted).toBe(result.events);
  });

  it('holds the synthetic quests, badges, errors and learning events in the expected amounts', async () => {
    const byType = await rows<{ type: string; n: number }>(
      `SELECT type, count(*)::INTEGER AS n FROM events WHERE tenant_id = $1 AND json_extract(props, '$.synthetic')::BOOLEAN GROUP BY type`,
    );
    expect(Object.fromEntries(byType.map((r) => [r.type, r.n]))).toEqual(SYNTHETIC_BY_TYPE);

    const categories = await rows<{ category: string; n: number }>(`SELECT category, count(*)::INTEGER AS n FROM events WHERE tenant_id = $1 GROUP BY category`);
    const byCategory = Object.fromEntries(categories.map((r) => [r.category, r.n]));
    expect(byCategory).toMatchObject({ badge: 1534 + 157, error: 409 + 38 + 28 });
    expect(byCategory.quest).toBe(3599 + 2649 + 1856 + 399 + 3 * 1633);
    expect(byCategory.learning).toBe(3849 + 912 + 1631 + 16);

    const errors = await rows<{ n: number; server: number }>(`SELECT count(*)::INTEGER AS n, count(status)::INTEGER AS server FROM error_events WHERE tenant_id = $1`);
    expect(errors[0]).toEqual({ n: 409 + 38 + 28, server: 28 });
    const learning = await rows<{ scored: number; goals: number }>(`SELECT count(score)::INTEGER AS scored, count(goal_id)::INTEGER AS goals FROM learning_events WHERE tenant_id = $1`);
    expect(learning[0]).toEqual({ scored: 3849 + 1631, goals: 912 + 16 });
  });

  it('gives quests their catalogue id and pillar, page views a load time and exits a time on page, in sessions', async () => {
    const quests = await rows<{ quest: string; pillar: string }>(
      `SELECT DISTINCT json_extract_string(props, '$.quest_id') AS quest, json_extract_string(props, '$.pillar') AS pillar
       FROM events WHERE tenant_id = $1 AND category = 'quest' AND json_extract(props, '$.synthetic')::BOOLEAN`,
    );
    const catalogue = new Map<string, string>(DEMO_QUESTS.map((q) => [q.id, q.pillar]));
    expect(new Set(quests.map((q) => q.quest))).toEqual(new Set(catalogue.keys()));
    for (const q of quests) expect(q.pillar).toBe(catalogue.get(q.quest));

    const pages = await rows<{ views: number; timed: number; exits: number; stays: number; recent: number; inSession: number }>(
      `SELECT count(*) FILTER (type = 'page_view')::INTEGER AS views, count(load_time_ms) FILTER (type = 'page_view')::INTEGER AS timed,
              count(*) FILTER (type = 'page_exit')::INTEGER AS exits, count(duration_ms) FILTER (type = 'page_exit')::INTEGER AS stays,
              count(*) FILTER (anonymized_at IS NULL)::INTEGER AS recent, count(session_id) FILTER (anonymized_at IS NULL)::INTEGER AS "inSession"
       FROM events WHERE tenant_id = $1 AND page_path LIKE '/quests/%'`,
    );
    expect(pages[0]).toMatchObject({ views: 3599, timed: 3599, exits: 3599, stays: 3599 });
    // Past the detail window retention has stripped the session; the recent ones keep it.
    expect(pages[0]!.recent).toBeGreaterThan(1000);
    expect(pages[0]!.inSession).toBe(pages[0]!.recent);
  });

  it('keeps IEP goal progress for a few learners only, with mastery scores for each subject', async () => {
    const iep = await rows<{ learners: number; goals: number }>(
      `SELECT count(DISTINCT subject_id)::INTEGER AS learners, count(DISTINCT goal_id)::INTEGER AS goals FROM learning_events WHERE tenant_id = $1 AND goal_id LIKE 'iep-%'`,
    );
    expect(iep[0]!.learners).toBe(IEP_LEARNERS);
    const subjects = await rows<{ subject: string; n: number; low: number; high: number }>(
      `SELECT subject_area AS subject, count(*)::INTEGER AS n, min(score) AS low, max(score) AS high FROM learning_events
       WHERE tenant_id = $1 AND activity LIKE 'mastery-%' GROUP BY 1 ORDER BY 1`,
    );
    expect(subjects.map((s) => s.subject)).toEqual(['digital-skills', 'literacy', 'numeracy', 'science']);
    for (const s of subjects) {
      expect(s.low).toBeGreaterThanOrEqual(0);
      expect(s.high).toBeLessThanOrEqual(100);
    }
  });

  it('stores no raw user id anywhere: not in any column of any table', async () => {
    const tables = await ebb.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'error_events', 'learning_events', 'sessions', 'subjects']));
    const scan = async (table: string, text: string) =>
      (await ebb.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM "${table}" AS r WHERE CAST(r AS VARCHAR) LIKE $1`, [`%${text}%`]))[0]!.n;
    // The scan sees every column's text: it finds the tenant's name.
    expect(await scan('tenants', 'Demo Academy')).toBe(1);
    const found: Record<string, number> = {};
    for (const { name } of tables) {
      const n = await scan(name, 'oulad-');
      if (n > 0) found[name] = n;
    }
    expect(found).toEqual({});
    // The learners are there, by pseudonym.
    const pseudonym = ebb.services.pseudonyms.subject(tenantId, 'oulad-28400');
    expect(await rows(`SELECT id FROM subjects WHERE tenant_id = $1 AND pseudonym = $2`, [pseudonym])).toHaveLength(1);
  });
});
