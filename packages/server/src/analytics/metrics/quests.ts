import type { PublishedRow } from '@ebb/contracts';
import type { AggregateMetric } from '../analytics-service.ts';
import { publishCells, relation, type Cell } from '../publish-cells.ts';
import { num, type MetricDb, type MetricQuery } from './metric-query.ts';
import { questsSql } from './quests.sql.ts';

/**
 * Popular quests (seed 001): views, starts and completions per quest, popularity score =
 * views + 2 x starts + 5 x completions, completion rate = completions / starts.
 */
interface QuestCounts { views: number; starts: number; completions: number; people: number }
export interface QuestsRaw {
  total: QuestCounts;
  quests: Array<QuestCounts & { quest: string }>;
}

export const popularityScore = (c: { views: number; starts: number; completions: number }): number => c.views + 2 * c.starts + 5 * c.completions;

export async function computeQuests(db: MetricDb, q: MetricQuery): Promise<QuestsRaw> {
  const rows = await db.all(questsSql.duckdb, [q.tenantId, q.range.start.toISOString(), q.range.end.toISOString()]);
  const out: QuestsRaw = { total: { views: 0, starts: 0, completions: 0, people: 0 }, quests: [] };
  for (const r of rows) {
    const c = { views: num(r.views), starts: num(r.starts), completions: num(r.completions), people: num(r.people) };
    if (num(r.no_quest) === 0) out.quests.push({ quest: String(r.quest), ...c });
    else out.total = c;
  }
  out.quests.sort((a, b) => popularityScore(b) - popularityScore(a) || (a.quest < b.quest ? -1 : 1));
  return out;
}

type QuestMetrics = { views: number; starts: number; completions: number; learners: number; score: number; completionRate: number | null };
export interface QuestsData {
  total: PublishedRow<QuestMetrics>;
  /** Published quests, most popular first; then withheld ones by name (their place would hint at their score). */
  quests: Array<PublishedRow<QuestMetrics>>;
}

const metricsOf = (c: QuestCounts): QuestMetrics => ({
  views: c.views, starts: c.starts, completions: c.completions, learners: c.people, score: popularityScore(c),
  completionRate: c.starts > 0 ? Number((c.completions / c.starts).toFixed(4)) : null,
});

export function publishQuests(raw: QuestsRaw, minGroupSize: number, options: { limit?: number } = {}): QuestsData {
  const cells: Cell<QuestMetrics>[] = [
    { key: 'total', people: raw.total.people, metrics: metricsOf(raw.total) },
    ...raw.quests.map((x) => ({ key: `quest:${x.quest}`, people: x.people, metrics: metricsOf(x) })),
  ];
  // Suppression is decided over every quest, before the list is cut to `limit`.
  const p = publishCells(cells, [relation('total', raw.quests.map((x) => `quest:${x.quest}`))], minGroupSize);
  return {
    total: p.row('total'),
    quests: [
      ...raw.quests.filter((x) => p.isPublished(`quest:${x.quest}`)),
      ...raw.quests.filter((x) => !p.isPublished(`quest:${x.quest}`)).sort((a, b) => (a.quest < b.quest ? -1 : 1)),
    ].slice(0, options.limit ?? 10).map((x) => ({ ...p.row(`quest:${x.quest}`), key: x.quest })),
  };
}

export const questsMetric: AggregateMetric<QuestsRaw, QuestsData, { limit?: number }> = {
  name: 'quests', release: null, compute: (db, q) => computeQuests(db, q), publish: (raw, k, o) => publishQuests(raw, k, o),
};
