import type { z } from 'zod';
import type { Services } from '../app/services.ts';

export type Progress = (p: { step: string; done?: number; total?: number }) => void;

/**
 * An administrative operation. The CLI runs it either inside the running server (sent over the
 * data directory's control socket) or, when no server holds the store, against the store directly.
 */
export interface Operation<A = unknown, R = unknown> {
  name: string;
  args: z.ZodType<A>;
  run(s: Services, args: A, progress: Progress): Promise<R>;
}

export const defineOperation = <A, R>(op: Operation<A, R>): Operation<A, R> => op;
