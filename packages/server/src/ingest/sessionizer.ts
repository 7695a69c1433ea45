import { uuidv7 } from '../core/ids.ts';

export const SESSION_INACTIVITY_MS = 30 * 60 * 1000;

/**
 * Assigns session ids to events that do not bring their own: a visitor's events belong to one
 * session until 30 minutes pass without activity. State is per process and rebuilt from the
 * store's open sessions at start.
 */
export interface Sessionizer {
  assign(tenantId: string, visitor: string, at: Date): string;
  restore(open: Array<{ id: string; tenantId: string; visitor: string | null; endedAt: Date }>): void;
  size(): number;
}

export function createSessionizer(options: { inactivityMs?: number; maxVisitors?: number } = {}): Sessionizer {
  const inactivity = options.inactivityMs ?? SESSION_INACTIVITY_MS;
  const maxVisitors = options.maxVisitors ?? 1_000_000;
  const open = new Map<string, { id: string; last: number }>();
  const sweep = (now: number) => {
    for (const [k, s] of open) if (now - s.last > inactivity) open.delete(k);
  };
  return {
    assign(tenantId, visitor, at) {
      const key = `${tenantId}\0${visitor}`;
      const t = at.getTime();
      const current = open.get(key);
      if (current && Math.abs(t - current.last) <= inactivity) {
        if (t > current.last) current.last = t;
        return current.id;
      }
      if (open.size >= maxVisitors) sweep(t);
      const id = `ss_${uuidv7(t).replaceAll('-', '')}`;
      open.set(key, { id, last: t });
      return id;
    },
    restore(list) {
      for (const s of list) if (s.visitor) open.set(`${s.tenantId}\0${s.visitor}`, { id: s.id, last: s.endedAt.getTime() });
    },
    size: () => open.size,
  };
}
