import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from './helpers.ts';

export type FaultMode = 'pass' | 'down' | 'hold' | 'overloaded';

/**
 * Stands between a client and Ebb and misbehaves on demand: `down` resets every connection,
 * `overloaded` answers 503 with Retry-After, `hold` keeps requests without answering until the
 * mode changes (then forwards them, late, as a slow network would).
 */
export async function startFaultProxy(target: string) {
  let mode: FaultMode = 'pass';
  const held: Array<() => void> = [];
  const seen: Record<FaultMode, number> = { pass: 0, down: 0, hold: 0, overloaded: 0 };

  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen[mode]++;
      if (mode === 'down') {
        req.socket.destroy();
      } else if (mode === 'overloaded') {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: { code: 'EBB_OVERLOADED', message: 'busy' } }));
      } else if (mode === 'hold') {
        held.push(() => forward(req, body, res));
      } else {
        forward(req, body, res);
      }
    });
  });
  const url = await listen(server);
  return {
    url,
    seen,
    held: () => held.length,
    setMode(next: FaultMode): void {
      mode = next;
      if (next !== 'hold') for (const release of held.splice(0)) release();
    },
    close: () => closeServer(server),
  };
}
