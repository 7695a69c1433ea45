// `npm install` (postinstall) and `npm start` run this: build the dashboard when dist/ is missing
// or older than its sources, so the server always serves the app as checked out.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'index.html');

/** Newest modification time of the files the bundle is made from. */
function newestSource() {
  let newest = 0;
  const walk = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(path.join(p, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'index.html', 'vite.config.ts', 'package.json']) if (existsSync(path.join(root, p))) walk(path.join(root, p));
  return newest;
}

const why = !existsSync(built) ? 'dist/ is missing' : statSync(built).mtimeMs < newestSource() ? 'its sources changed' : null;
if (why !== null) {
  // Vite's bin is not in its package exports: look for it in node_modules up the tree.
  let vite = null;
  for (let dir = root; vite === null; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
    if (existsSync(candidate)) vite = candidate;
    else if (path.dirname(dir) === dir) break;
  }
  if (vite === null) {
    // An install without dev dependencies has no Vite: the server says how to build instead.
    process.stdout.write(`The dashboard is not built (${why}) and Vite is not installed: run "npm install" with dev dependencies, then "npm run build -w @ebb/dashboard".\n`);
    process.exit(0);
  }
  process.stdout.write(`Building the dashboard (${why})...\n`);
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
