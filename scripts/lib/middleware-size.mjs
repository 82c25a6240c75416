// The size of a build's middleware as a browser-independent figure: every file the edge manifest lists for it,
// concatenated and gzipped at level 9. Shared by the benchmark's report and the budget test.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget of issue 21: what an edge host ships per request path must stay small. */
export const MIDDLEWARE_GZIP_BUDGET = 100_000;

/** `{ raw, gzip, files }` of the middleware built in `dir` (a folder holding `.next/`). */
export function middlewareBytes(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, '.next/server/middleware-manifest.json'), 'utf8'));
  const files = manifest.middleware['/'].files.map((f) => join(dir, '.next', f));
  const raw = files.reduce((n, f) => n + statSync(f).size, 0);
  const gzip = gzipSync(Buffer.concat(files.map((f) => readFileSync(f))), { level: 9 }).length;
  return { raw, gzip, files };
}
