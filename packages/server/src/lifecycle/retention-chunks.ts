import { DAY_MS } from '../core/clock.ts';

export interface RetentionChunk {
  /** Rows whose time is in [from, to). */
  from: Date;
  to: Date;
  rows: number;
}

/**
 * Groups consecutive days of due rows into chunks of at most `maxRows` rows (a single busier
 * day is a chunk of its own). Each chunk is one transaction: a crash loses at most the chunk
 * in flight, and a rerun picks up from there because only rows still due are selected.
 */
export function planChunks(days: ReadonlyArray<{ day: Date; rows: number }>, maxRows: number): RetentionChunk[] {
  const chunks: RetentionChunk[] = [];
  let current: RetentionChunk | null = null;
  for (const { day, rows } of days) {
    if (rows <= 0) continue;
    const end = new Date(day.getTime() + DAY_MS);
    if (current && current.rows + rows <= maxRows) {
      current.to = end;
      current.rows += rows;
    } else {
      current = { from: day, to: end, rows };
      chunks.push(current);
    }
  }
  return chunks;
}
