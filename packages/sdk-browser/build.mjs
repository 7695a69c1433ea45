// Builds the browser tracker: dist/ebb.iife.js (a plain <script>), dist/ebb.js and dist/react.js
// (ESM, React external), and fails when the tracker is over its size budget.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
export const BUDGET_BYTES = 3 * 1024;

const common = { bundle: true, minify: true, target: ['es2020'], platform: 'browser', legalComments: 'none', logLevel: 'warning' };

/** Builds into `outdir` (default dist/) and returns the size of each tracker bundle. */
export async function buildTracker({ outdir = dist } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  await build({ ...common, entryPoints: [path.join(here, 'src/auto.ts')], format: 'iife', outfile: path.join(outdir, 'ebb.iife.js') });
  // One shared chunk so the React helpers see the tracker that the app created.
  await build({
    ...common,
    entryPoints: { ebb: path.join(here, 'src/index.ts'), react: path.join(here, 'src/react.ts') },
    format: 'esm',
    splitting: true,
    outdir,
    chunkNames: 'chunk-[hash]',
    external: ['react'],
  });
  const sizes = {};
  for (const file of ['ebb.iife.js', 'ebb.js']) {
    const bytes = readFileSync(path.join(outdir, file));
    // The ESM entry imports its chunk; count the code it pulls in.
    const chunks = file === 'ebb.js' ? [...bytes.toString().matchAll(/from"\.\/(chunk-[\w-]+\.js)"/g)].map((m) => readFileSync(path.join(outdir, m[1]))) : [];
    const all = Buffer.concat([bytes, ...chunks]);
    sizes[file] = { raw: all.length, gzip: gzipSync(all, { level: 9 }).length };
  }
  return sizes;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await buildTracker();
  for (const [file, s] of Object.entries(sizes)) console.log(`${file}: ${s.raw} B, ${s.gzip} B gzipped (budget ${BUDGET_BYTES} B)`);
  const over = Object.entries(sizes).filter(([, s]) => s.gzip > BUDGET_BYTES);
  if (over.length > 0) {
    console.error(`Over the ${BUDGET_BYTES} B gzipped budget: ${over.map(([f]) => f).join(', ')}`);
    process.exit(1);
  }
}
