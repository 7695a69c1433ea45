import type { z } from 'zod';
import { EbbError } from '../core/errors.ts';

/** Parses a request part with a zod schema; refusals carry every problem in `details`. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what = 'The body'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new EbbError('EBB_VALIDATION_FAILED', `${what} does not match the schema${first ? `: ${first.path.join('.') || 'value'}: ${first.message}` : ''}.`, {
    details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}
