import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { root } from '../../scripts/lib/processes.mjs';

describe('the build', () => {
  it('deploys the middleware on the edge runtime', () => {
    const manifest = JSON.parse(readFileSync(`${root}.next/server/middleware-manifest.json`, 'utf8'));
    const mw = manifest.middleware['/'];
    expect(mw).toBeDefined();
    expect(mw.files.some((f: string) => f.includes('edge'))).toBe(true);
    expect(mw.matchers.map((m: { originalSource: string }) => m.originalSource)).toContain('/api/:path*');
  });
});
