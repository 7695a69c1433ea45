import { z } from 'zod';
import { LIMITS } from './limits.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const KEY_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Why a props object is refused, or null when it is acceptable. */
export function propsProblem(value: unknown): string | null {
  let keys = 0;
  const walk = (v: unknown, depth: number): string | null => {
    if (v === null || typeof v === 'boolean') return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : 'numbers must be finite';
    if (typeof v === 'string') {
      return v.length <= LIMITS.propsMaxStringLength
        ? null
        : `strings may hold at most ${LIMITS.propsMaxStringLength} characters`;
    }
    if (depth >= LIMITS.propsMaxDepth) return `nesting deeper than ${LIMITS.propsMaxDepth} levels`;
    if (Array.isArray(v)) {
      if (v.length > LIMITS.propsMaxArrayLength) return `arrays may hold at most ${LIMITS.propsMaxArrayLength} items`;
      for (const item of v) {
        const p = walk(item, depth + 1);
        if (p) return p;
      }
      return null;
    }
    if (typeof v === 'object') {
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) {
        return 'only plain JSON objects are accepted';
      }
      for (const k of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(k)) return `key "${k}" is not allowed`;
        if (k.length === 0 || k.length > LIMITS.propKeyMaxLength || !KEY_PATTERN.test(k)) {
          return `key "${k.slice(0, 40)}" must be 1-${LIMITS.propKeyMaxLength} characters of letters, digits, _ . : -`;
        }
        if (++keys > LIMITS.propsMaxKeys) return `at most ${LIMITS.propsMaxKeys} keys in all`;
        const p = walk((v as Record<string, unknown>)[k], depth + 1);
        if (p) return p;
      }
      return null;
    }
    return 'only JSON values are accepted';
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'props must be an object';
  // `__proto__` given as an own key survives JSON.parse; Object.keys sees it.
  const problem = walk(value, 0);
  if (problem) return problem;
  if (JSON.stringify(value).length > LIMITS.propsMaxBytes) return `props may be at most ${LIMITS.propsMaxBytes} bytes as JSON`;
  return null;
}

const text = (max: number = LIMITS.textMaxLength) => z.string().max(max);
const identifier = z.string().min(1).max(LIMITS.idMaxLength);

/** An ISO 8601 timestamp with a time zone, or milliseconds since the epoch. */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** Refinements the schema cannot express as JSON Schema; exported so fast validators apply the same rules. */
export const timestampInRange = (s: string): boolean => {
  const t = Date.parse(s);
  return t >= EARLIEST && t < LATEST;
};
export const scoreWithinMax = (l: { score?: number; maxScore?: number }): boolean =>
  l.score === undefined || l.maxScore === undefined || l.score <= l.maxScore;

export const Timestamp = z.union([
  z.iso.datetime({ offset: true }).refine(timestampInRange, 'occurredAt must lie between 2000 and 2100'),
  z.number().int().min(EARLIEST).max(LATEST),
]);

export const PageInput = z.strictObject({
  path: text(LIMITS.pathMaxLength),
  title: text(512).optional(),
  referrer: text(LIMITS.pathMaxLength).optional(),
  /** Time spent on the page, for page_exit events. */
  durationMs: z.number().int().min(0).max(24 * 3600 * 1000).optional(),
  /** Page load time from Navigation Timing. */
  loadTimeMs: z.number().int().min(0).max(10 * 60 * 1000).optional(),
});

export const ContextInput = z.strictObject({
  userAgent: text(512).optional(),
  /** The end user's IP as seen by the sending server; truncated at ingest, never stored whole. */
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  locale: z.string().max(35).regex(/^[A-Za-z0-9-_]+$/).optional(),
  screen: z.strictObject({ width: z.number().int().min(0).max(100000), height: z.number().int().min(0).max(100000) }).optional(),
  /** Global Privacy Control / Do-Not-Track as seen by a browser client. */
  gpc: z.boolean().optional(),
  dnt: z.boolean().optional(),
});

export const ErrorInput = z.strictObject({
  type: z.string().min(1).max(64),
  message: text().optional(),
  stack: text(LIMITS.stackMaxLength).optional(),
  component: text(256).optional(),
  endpoint: text(LIMITS.pathMaxLength).optional(),
  status: z.number().int().min(100).max(599).optional(),
});

export const GoalProgressInput = z.strictObject({
  goalId: identifier,
  baseline: z.number().finite(),
  current: z.number().finite(),
  target: z.number().finite(),
});

export const LearningInput = z.strictObject({
  course: identifier.optional(),
  activity: identifier.optional(),
  /** Subject area or pillar the activity belongs to (for mastery per subject). */
  subject: identifier.optional(),
  score: z.number().finite().min(0).optional(),
  maxScore: z.number().finite().positive().optional(),
  goal: GoalProgressInput.optional(),
}).refine(scoreWithinMax, {
  message: 'score must not exceed maxScore',
  path: ['score'],
});

export const EventInput = z.strictObject({
  /** Client event id: a retry with the same id within a tenant is stored once. */
  id: z.string().min(1).max(LIMITS.idMaxLength).regex(/^[A-Za-z0-9_.:-]+$/).optional(),
  type: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'type may hold letters, digits and _ . : -'),
  category: z.string().min(1).max(32).regex(/^[a-z0-9_-]+$/, 'category may hold lower-case letters, digits, _ and -').optional(),
  occurredAt: Timestamp.optional(),
  /** The app's own user id. Pseudonymised at ingest and never stored. */
  userId: z.string().min(1).max(LIMITS.userIdMaxLength).optional(),
  sessionId: identifier.optional(),
  anonymousId: identifier.optional(),
  page: PageInput.optional(),
  props: z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const problem = propsProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
  context: ContextInput.optional(),
  error: ErrorInput.optional(),
  learning: LearningInput.optional(),
});
export type EventInput = z.infer<typeof EventInput>;

/** The envelope is checked first; each event is then checked on its own so one bad event
 * does not refuse the rest of the batch. */
export const BatchInput = z.strictObject({
  events: z.array(z.unknown()).min(1).max(LIMITS.batchMaxEvents),
});
export type BatchInput = z.infer<typeof BatchInput>;

export const Rejection = z.object({ index: z.number().int(), code: z.string(), message: z.string() });
export type Rejection = z.infer<typeof Rejection>;

export const IngestResult = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  dropped: z.number().int(),
  rejected: z.array(Rejection),
});
export type IngestResult = z.infer<typeof IngestResult>;
