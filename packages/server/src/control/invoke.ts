import { existsSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import type { Config } from '../core/config.ts';
import { EbbError, type ErrorCode } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { createServices } from '../app/services.ts';
import { runOperation } from './operations.ts';
import type { Progress } from './operation.ts';
import { controlSocketPath } from './socket-path.ts';

type Outcome = { via: 'server' | 'store'; result: unknown };

function viaSocket(file: string, name: string, args: unknown, progress: Progress): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: file, path: `/operations/${name}`, method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let buffer = '';
      let settled = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const msg = JSON.parse(buffer.slice(0, nl)) as { progress?: Parameters<Progress>[0]; result?: unknown; error?: { code: ErrorCode; message: string } };
          buffer = buffer.slice(nl + 1);
          if (msg.progress) progress(msg.progress);
          else if (msg.error) { settled = true; reject(new EbbError(msg.error.code, msg.error.message)); }
          else if ('result' in msg) { settled = true; resolve(msg.result); }
        }
      });
      res.on('end', () => { if (!settled) reject(new EbbError('EBB_INTERNAL', 'The server closed the control connection without an answer. Check its log.')); });
    });
    req.on('error', reject);
    req.end(JSON.stringify(args));
  });
}

/**
 * Runs an operation where the store is: inside a running `ebb serve` on this data directory
 * (over its control socket), or, when none runs, against the store file directly.
 */
export async function invoke(config: Config, name: string, args: unknown, progress: Progress = () => {}): Promise<Outcome> {
  const file = controlSocketPath(config.dataDir);
  if (existsSync(file)) {
    try {
      return { via: 'server', result: await viaSocket(file, name, args, progress) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ECONNREFUSED' && code !== 'ENOENT') throw err;
      // A socket without a server: left by a process that was killed.
      try { unlinkSync(file); } catch { /* gone already */ }
    }
  }
  const services = await createServices(config, { logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel) });
  try {
    return { via: 'store', result: await runOperation(services, name, args, progress) };
  } finally {
    await services.close();
  }
}
