import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import type { Services } from '../app/services.ts';
import { EbbError, isEbbError } from '../core/errors.ts';
import { runOperation } from './operations.ts';
import { controlSocketPath } from './socket-path.ts';

/**
 * Serves operations to the CLI over a Unix socket in the data directory, so commands work while
 * the server holds the store. Answers are NDJSON: progress lines, then one result or error line.
 */
export async function startControlSocket(s: Services): Promise<{ close(): Promise<void> }> {
  const file = controlSocketPath(s.config.dataDir);
  if (existsSync(file)) unlinkSync(file); // left over from a process that was killed
  const server = http.createServer((req, res) => {
    const m = /^\/operations\/([a-z.]+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', async () => {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      const line = (o: unknown) => res.write(`${JSON.stringify(o)}\n`);
      try {
        const args = body ? JSON.parse(body) : {};
        const result = await runOperation(s, m[1]!, args, (p) => line({ progress: p }));
        line({ result });
      } catch (err) {
        const e = isEbbError(err) ? err : new EbbError('EBB_INTERNAL', undefined, { cause: err });
        if (!isEbbError(err)) s.logger.error({ err }, 'control operation failed');
        line(e.toBody());
      }
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  chmodSync(file, 0o600);
  return {
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
