import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { EbbClient, EventFields } from '../src/client.ts';

export interface Tracked extends EventFields {
  type: string;
}

/** A client that only remembers what it was given. */
export function recordingClient(): EbbClient & { tracked: Tracked[] } {
  const tracked: Tracked[] = [];
  return {
    tracked,
    track: (type, fields) => void tracked.push({ ...fields, type }),
    page: (path, fields) => void tracked.push({ ...fields, type: 'page_view', page: { path } }),
    error: () => undefined,
    flush: async () => undefined,
    close: async () => undefined,
    stats: () => ({ queued: 0, inFlight: 0, accepted: 0, duplicates: 0, filtered: 0, rejected: 0, dropped: 0, droppedBy: { queueFull: 0, retriesExhausted: 0, invalid: 0, refused: 0, closed: 0 }, requests: 0, retries: 0 }),
  };
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Waits until `check` holds, polling; for effects that happen after a response was sent. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
