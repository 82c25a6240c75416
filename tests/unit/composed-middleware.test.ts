import { NextResponse } from 'next/server';
import { describe, expect, it } from 'vitest';
import { createBff } from '@/edge/bff';
import { decide } from '@/edge/handle';
import { applyContinuation } from '@/edge/http/respond';
import { sealSession } from '@/edge/session/codec';
import { envelopeGrant, fakeFetch, request, runtime, SECRET, session } from '../helpers/unit';

const env = { BACKEND_URL: 'http://backend.test/api', SESSION_SECRET: SECRET, NODE_ENV: 'production', APP_URL: 'http://localhost:3000' };

/** An app that runs middleware of its own around the BFF's (`bff.decide` + `decision.apply`). */
describe('the middleware composed with an app middleware', () => {
  it('a decision to answer is handed back as a response: the app must return it', async () => {
    const bff = createBff({ env });
    const decision = await bff.decide(request('/dashboard'));
    expect(decision.response?.status).toBe(307);
    expect(decision.user).toBeNull();
    expect(decision.apply(NextResponse.next())).toBe(decision.response);
  });

  it("a public page without a cookie: the app's own response passes untouched", async () => {
    const bff = createBff({ env });
    const decision = await bff.decide(request('/about'));
    expect(decision.response).toBeUndefined();
    const own = NextResponse.next();
    own.headers.set('x-app', '1');
    expect(decision.apply(own)).toBe(own);
  });

  it("a refresh lands on the app's response: Set-Cookie, and the new cookie merged into the app's own request headers", async () => {
    const backend = fakeFetch(() => envelopeGrant('access-2', 'refresh-2'));
    const rt = await runtime({ fetch: backend.fetch });
    const sealed = await sealSession(session({ accessExpiresAt: Date.now() + 5_000 }), rt.keyring);
    const req = request('/dashboard', { headers: { cookie: `${rt.config.cookie.name}=${sealed}; theme=dark`, 'x-middleware-subrequest': 'middleware' } });
    const decision = await decide(req, rt);
    expect(decision.kind).toBe('continue');
    if (decision.kind !== 'continue') return;
    expect(decision.user?.id).toBe('1');

    // The app overrides a request header of its own (e.g. a locale) with next({ request }).
    const appHeaders = new Headers(req.headers);
    appHeaders.set('x-locale', 'de');
    const res = applyContinuation(req, decision.writes, decision.strip, NextResponse.next({ request: { headers: appHeaders } }));
    const overrides = res.headers.get('x-middleware-override-headers')!.split(',');
    expect(overrides).toContain('x-locale');
    expect(res.headers.get('x-middleware-request-x-locale')).toBe('de');
    const fresh = res.headers.getSetCookie().find((c) => c.startsWith(`${rt.config.cookie.name}=`))!.split(';')[0];
    expect(overrides).toContain('cookie');
    expect(res.headers.get('x-middleware-request-cookie')).toContain(fresh);
    expect(res.headers.get('x-middleware-request-cookie')).toContain('theme=dark');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    // A client-sent internal header never reaches the page, whoever built the override list.
    expect(overrides.some((name) => name.startsWith('x-middleware-'))).toBe(false);
    expect(res.headers.get('x-middleware-request-x-middleware-subrequest')).toBeNull();
  });

  it('a refresh under an app response without overrides: the override set is the cleaned request with the new cookie', async () => {
    const backend = fakeFetch(() => envelopeGrant('access-2', 'refresh-2'));
    const rt = await runtime({ fetch: backend.fetch });
    const sealed = await sealSession(session({ accessExpiresAt: Date.now() + 5_000 }), rt.keyring);
    const req = request('/dashboard', { headers: { cookie: `${rt.config.cookie.name}=${sealed}`, accept: 'text/html' } });
    const decision = await decide(req, rt);
    if (decision.kind !== 'continue') throw new Error('expected to continue');
    const res = applyContinuation(req, decision.writes, decision.strip, NextResponse.rewrite(new URL('http://localhost:3000/de/dashboard')));
    expect(res.headers.get('x-middleware-rewrite')).toBe('http://localhost:3000/de/dashboard');
    expect(res.headers.get('x-middleware-override-headers')!.split(',')).toEqual(expect.arrayContaining(['accept', 'cookie']));
    expect(res.headers.get('x-middleware-request-accept')).toBe('text/html');
  });
});
