import { IDENTIFYING_PROP_KEY } from '../../privacy/inventory.ts';
import type { Draft, IngestContext } from '../draft.ts';

/** Replaces the app's user id by the subject it belongs to (found by keyed pseudonym), and ids of
 * other people in props by their pseudonyms. The app's ids never leave this step. */
export function pseudonymize(d: Draft, ctx: IngestContext): Draft {
  const userId = d.transient.userId;
  if (userId !== null && d.anonymous === null) {
    d.subject = ctx.subjects.resolve(ctx.tenant.id, ctx.pseudonyms.subject(ctx.tenant.id, userId));
  }
  d.transient.userId = null;
  if (d.props) {
    let copy: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(d.props)) {
      if (!IDENTIFYING_PROP_KEY.test(k) || v === null) continue;
      copy ??= { ...d.props };
      copy[k] = typeof v === 'string' || typeof v === 'number' ? `p_${ctx.pseudonyms.other(ctx.tenant.id, 'prop-id', String(v))}` : null;
    }
    if (copy) d.props = copy;
  }
  return d;
}
