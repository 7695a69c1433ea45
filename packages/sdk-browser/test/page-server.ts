import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * Serves the built scripts from `dir` and, for any other path, the HTML registered for its first
 * segment (`/spa/a` -> page "spa"), as an app server with client-side routes would.
 */
export async function startPageServer(dir: string) {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.endsWith('.js')) {
      try {
        const body = readFileSync(path.join(dir, path.basename(url.pathname)));
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    const html = pages.get(url.pathname.split('/')[1] ?? '');
    if (html === undefined) {
      res.writeHead(404).end('no page');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    /** Registers the HTML served under `/<name>/...`. */
    page(name: string, html: string): void {
      pages.set(name, html);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
