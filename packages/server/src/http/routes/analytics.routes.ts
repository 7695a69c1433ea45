import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AnalyticsRangeQuery } from '@ebb/contracts';
import type { Services } from '../../app/services.ts';
import type { AggregateMetric, LearnerMetric } from '../../analytics/analytics-service.ts';
import { computeAtRisk, DEFAULT_AT_RISK_LIMIT, DEFAULT_AT_RISK_THRESHOLD, learnerRiskMetric } from '../../analytics/metrics/dropout-risk.ts';
import { errorsMetric } from '../../analytics/metrics/errors.ts';
import { eventCountsMetric } from '../../analytics/metrics/event-counts.ts';
import { iepMetric } from '../../analytics/metrics/iep.ts';
import { learnerEngagementMetric } from '../../analytics/metrics/learner-engagement.ts';
import { learnerJourneyMetric } from '../../analytics/metrics/learner-journey.ts';
import { masteryMetric } from '../../analytics/metrics/mastery.ts';
import { overviewMetric } from '../../analytics/metrics/overview.ts';
import { pagesMetric } from '../../analytics/metrics/pages.ts';
import { questsMetric } from '../../analytics/metrics/quests.ts';
import { sessionsMetric } from '../../analytics/metrics/sessions.ts';
import { weeklyActiveMetric } from '../../analytics/metrics/weekly-active.ts';
import { tenantOf } from '../access-hooks.ts';
import { validate } from '../validate.ts';

const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
const RANGE = 'from, to: local days YYYY-MM-DD in tz (default: the 30 days up to today); tz: IANA time zone (default UTC).';
const AGGREGATE = `privacy_level: anonymized (default; exact values, groups under k people withheld with complementary suppression), or dp_low, dp_medium, dp_high where a stored release exists. ${RANGE}`;
const EXACT_ONLY = `privacy_level: anonymized only (EBB_PRIVACY_LEVEL_NOT_APPLICABLE otherwise). ${RANGE}`;

const count = (max: number) => z.coerce.number().int().min(1).max(max).optional();
const LimitQuery = AnalyticsRangeQuery.extend({ limit: count(1000) });
const AtRiskQuery = AnalyticsRangeQuery.extend({ limit: count(10_000), threshold: z.coerce.number().min(0).max(1).optional() });
const asSchema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-7', io: 'input' });

export function analyticsRoutes(s: Services) {
  return async function registerAnalyticsRoutes(app: FastifyInstance): Promise<void> {
    const aggregate = <R, D>(path: string, metric: AggregateMetric<R, D, { limit?: number }>, summary: string, withLimit = false) => {
      const query = withLimit ? LimitQuery : AnalyticsRangeQuery;
      app.get(`/api/v1/analytics/${path}`, {
        config: { permission: { check: 'canReadAggregates' } },
        schema: {
          summary, tags: ['analytics'], querystring: asSchema(query), security,
          description: `${metric.release ? AGGREGATE : `${AGGREGATE.replace(', or dp_low, dp_medium, dp_high where a stored release exists', '')} Served at anonymized only.`}${withLimit ? ' limit: rows listed.' : ''}`,
        },
      }, async (req) => {
        const q = validate(query, req.query, 'The query') as z.infer<typeof LimitQuery>;
        return s.analytics.aggregate(metric, tenantOf(req), q, { limit: q.limit });
      });
    };

    aggregate('overview', overviewMetric, 'Daily, weekly and monthly active users, totals, events per interaction type, daily series');
    aggregate('event-counts', eventCountsMetric, 'Events per category, in total and per day');
    aggregate('pages', pagesMetric, 'Per page: views, unique users, bounce rate, load time, time on page; views per day', true);
    aggregate('quests', questsMetric, 'Popular quests: views, starts, completions, score = views + 2 x starts + 5 x completions, completion rate', true);
    aggregate('errors', errorsMetric, 'Errors per type and per day, and the most recent errors (scrubbed text, no person)');
    aggregate('sessions', sessionsMetric, 'Sessions: count, mean and median duration, total hours, daily trend');
    aggregate('weekly-active', weeklyActiveMetric, 'Active, new, returning and churned learners per local week (Monday to Sunday)');
    aggregate('mastery', masteryMetric, 'Per subject area: current score, improvement delta, assessments completed, time to mastery');
    aggregate('iep', iepMetric, 'IEP goal progress per goal: baseline, current, target, percent of the way, learners on track');

    app.get('/api/v1/analytics/at-risk', {
      config: { permission: { check: 'canReadLearners' } },
      schema: {
        summary: 'Learners whose dropout risk is at or above the threshold (default 0.7), riskiest first, each with the factor breakdown',
        description: `Individuals: owners, admins and keys with subjects:read; never analysts or viewer tokens. The range is the activity window (default the last 30 days). threshold: 0..1; limit: learners listed (default ${DEFAULT_AT_RISK_LIMIT}). ${EXACT_ONLY}`,
        tags: ['analytics'], querystring: asSchema(AtRiskQuery), security,
      },
    }, async (req) => {
      const q = validate(AtRiskQuery, req.query, 'The query');
      const options = { threshold: q.threshold ?? DEFAULT_AT_RISK_THRESHOLD, limit: q.limit ?? DEFAULT_AT_RISK_LIMIT };
      return s.analytics.individuals('at-risk', tenantOf(req), q, (db, range) => computeAtRisk(db, { tenantId: tenantOf(req), range }, options));
    });

    const learner = <D>(path: string, metric: LearnerMetric<D>, summary: string) => {
      app.get(`/api/v1/analytics/learners/:userId/${path}`, {
        config: { permission: { check: 'canReadSubject', subject: { in: 'params', field: 'userId' } } },
        schema: {
          summary, tags: ['analytics'], querystring: asSchema(AnalyticsRangeQuery), security,
          description: `One learner, named by the app's user id (pseudonymised before any query): the learner's own viewer token, a guardian's for their child, owners, admins, keys with subjects:read. ${EXACT_ONLY}`,
        },
      }, async (req) => {
        const q = validate(AnalyticsRangeQuery, req.query, 'The query');
        // The access gate has already turned the user id into the subject's pseudonym and internal id.
        return s.analytics.learner(metric, tenantOf(req), req.access!.subject?.id ?? null, q, {});
      });
    };
    learner('engagement', learnerEngagementMetric, 'One learner\'s engagement over the range: events, active days, sessions, quests, badges, per category and day');
    learner('journey', learnerJourneyMetric, 'One learner\'s learning journey: first quest, quests completed, current streak, badges, time on platform, favourite pillar');
    learner('risk', learnerRiskMetric, 'One learner\'s dropout risk over the range, with the factor breakdown');
  };
}
