// The size of a build's middleware as a browser-independent figure: the middleware's own files, concatenated and
// gzipped at level 9. Shared by the benchmark's report and the budget test.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget of issue 21: what an edge host ships per request path must stay small. */
export const MIDDLEWARE_GZIP_BUDGET = 100_000;

/**
 * `{ raw, gzip, files, instrumentation }` of the middleware built in `dir` (a folder holding `.next/`). The edge
 * manifest lists the app's `instrumentation.ts` chunks (its OpenTelemetry SDK) with the middleware's: Turbopack's
 * entry chunk names its own (`otherChunks`), so the middleware is counted alone, and the rest reported apart.
 */
export function middlewareBytes(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, '.next/server/middleware-manifest.json'), 'utf8'));
  const { files: listed, entrypoint } = manifest.middleware['/'];
  const own = entrypoint ? ownChunks(dir, entrypoint) : undefined;
  const mine = own ? listed.filter((f) => f === entrypoint || own.has(f)) : listed;
  const size = (files) => {
    const paths = files.map((f) => join(dir, '.next', f));
    return {
      raw: paths.reduce((n, f) => n + statSync(f).size, 0),
      gzip: paths.length ? gzipSync(Buffer.concat(paths.map((f) => readFileSync(f))), { level: 9 }).length : 0,
      files: paths,
    };
  };
  return { ...size(mine), instrumentation: size(listed.filter((f) => !mine.includes(f))).gzip };
}

/** The chunks the entry chunk loads (`otherChunks:[…]` in its first statement), as manifest paths; undefined if unknown. */
function ownChunks(dir, entrypoint) {
  const head = readFileSync(join(dir, '.next', entrypoint), 'utf8').slice(0, 4000);
  const list = /otherChunks:(\[(?:"[^"]*",?)*\])/.exec(head)?.[1];
  if (list === undefined) return undefined;
  return new Set(JSON.parse(list).map((chunk) => `server/edge/${chunk}`));
}
