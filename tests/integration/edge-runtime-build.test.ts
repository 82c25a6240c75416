import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIDDLEWARE_GZIP_BUDGET, middlewareBytes } from '../../scripts/lib/middleware-size.mjs';
import { root } from '../../scripts/lib/processes.mjs';

describe('the build', () => {
  it('deploys the middleware on the edge runtime', () => {
    const manifest = JSON.parse(readFileSync(`${root}.next/server/middleware-manifest.json`, 'utf8'));
    const mw = manifest.middleware['/'];
    expect(mw).toBeDefined();
    expect(mw.files.some((f: string) => f.includes('edge'))).toBe(true);
    expect(mw.matchers.map((m: { originalSource: string }) => m.originalSource)).toContain('/api/:path*');
  });

  it('keeps the middleware under its gzip budget, without the Node forwarder or code it never runs', () => {
    const size = middlewareBytes(root);
    expect(size.gzip).toBeLessThan(MIDDLEWARE_GZIP_BUDGET);
    const code = size.files.map((f) => readFileSync(f, 'utf8')).join('\n');
    // The Node forwarder sits behind a NEXT_RUNTIME branch the edge build drops; `next/server`'s index would bring
    // ua-parser-js (7.5 KB gzip) for a `userAgent()` the BFF never calls.
    expect(code).not.toMatch(/node:http|keepAlive:\s*true/);
    expect(code).not.toContain('ua-parser');
    // Sign-ins are the auth route handler's: the login limiter and @upstash/ratelimit never ride along on every request.
    expect(code).not.toContain('slidingWindow');
  });
});
