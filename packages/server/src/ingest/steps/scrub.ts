import { referrerHost, scrubJson, scrubText, scrubUrl } from '../../privacy/pii/index.ts';
import type { Draft, IngestContext } from '../draft.ts';

const text = (s: string | null, ctx: IngestContext): string | null => (s === null ? null : scrubText(s, ctx.redactions));

/** Every free-form field loses direct identifiers before the write. */
export function scrub(d: Draft, ctx: IngestContext): Draft {
  const r = ctx.redactions;
  if (d.props) d.props = scrubJson(d.props, ctx.denyList, r) as Record<string, unknown>;
  if (d.pagePath !== null) d.pagePath = scrubUrl(d.pagePath, r, { allowQueryKeys: ctx.allowQueryKey });
  d.pageTitle = text(d.pageTitle, ctx);
  const ref = d.input.page?.referrer;
  d.referrerHost = ref ? referrerHost(ref) : null;
  if (d.error) {
    d.error.message = text(d.error.message, ctx);
    d.error.stack = text(d.error.stack, ctx);
    d.error.component = text(d.error.component, ctx);
    d.error.endpoint = d.error.endpoint === null ? null : scrubUrl(d.error.endpoint, r, { allowQueryKeys: () => false });
    d.error.type = scrubText(d.error.type, r);
  }
  if (d.learning) {
    d.learning.course = text(d.learning.course, ctx);
    d.learning.activity = text(d.learning.activity, ctx);
    d.learning.subjectArea = text(d.learning.subjectArea, ctx);
    d.learning.goalId = text(d.learning.goalId, ctx);
  }
  return d;
}
