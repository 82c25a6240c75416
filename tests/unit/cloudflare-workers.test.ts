import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '@/edge/config/load';
import { platformForwarder } from '@/edge/proxy/platform-forwarder';
import { clientIp, establishedClientIp } from '@/edge/ratelimit/client-ip';
import { upstreamHeaders } from '@/edge/proxy/upstream-headers';

const base = { BACKEND_URL: 'http://b.test', SESSION_SECRET: 'x'.repeat(32) };
const onWorkers = () => vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });

/** What Cloudflare's edge and OpenNext put on a request, and what a client forged beside them. */
const throughCloudflare = new Headers({
  'cf-connecting-ip': '198.51.100.7',
  'cf-ray': '8f00000000000000-AMS',
  'x-forwarded-for': '6.6.6.6, 198.51.100.7',
  'x-vercel-forwarded-for': '6.6.6.6',
  'x-vercel-ip-country': 'NL',
  'x-open-next-city': 'Amsterdam',
  accept: 'application/json',
});

describe('on Cloudflare Workers (workerd, OpenNext)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('the client address is CF-Connecting-IP, which Cloudflare writes; elsewhere that header is the client’s own words', () => {
    onWorkers();
    const config = loadConfig(base);
    expect(config.clientIp.ipHeader).toBe('cf-connecting-ip');
    expect(clientIp(throughCloudflare, config.clientIp)).toBe('198.51.100.7');
    expect(establishedClientIp(throughCloudflare, config.clientIp)).toBe('198.51.100.7');
    vi.unstubAllGlobals();
    const elsewhere = loadConfig(base);
    expect(elsewhere.clientIp.ipHeader).toBeUndefined();
    expect(establishedClientIp(throughCloudflare, elsewhere.clientIp)).toBeUndefined();
  });

  it('an origin behind Cloudflare names the header itself; an unknown name is a configuration error', () => {
    expect(loadConfig({ ...base, CLIENT_IP_HEADER: 'CF-Connecting-IP' }).clientIp.ipHeader).toBe('cf-connecting-ip');
    expect(() => loadConfig({ ...base, CLIENT_IP_HEADER: 'x-forwarded-for' })).toThrow(/CLIENT_IP_HEADER must be one of x-real-ip, cf-connecting-ip: got "x-forwarded-for"/);
  });

  it('no Cloudflare, OpenNext or Vercel header reaches the backend; the address it gets is the one Cloudflare wrote', () => {
    onWorkers();
    const config = loadConfig(base);
    const sent = upstreamHeaders(throughCloudflare, { clientIp: establishedClientIp(throughCloudflare, config.clientIp), host: 'app.example', proto: 'https' });
    expect([...sent.keys()].filter((name) => /^(cf-|x-vercel-|x-open-next-)/.test(name))).toEqual([]);
    expect(sent.get('x-forwarded-for')).toBe('198.51.100.7');
  });

  it('server-side backend calls go through fetch, even where OpenNext says NEXT_RUNTIME=nodejs (node:http may be missing)', async () => {
    onWorkers();
    const fetched = vi.fn(async () => new Response('ok'));
    vi.stubGlobal('fetch', fetched);
    const forward = await platformForwarder();
    const answer = await forward(new URL('http://b.test/api/x'), { method: 'GET', headers: new Headers(), body: undefined, redirect: 'manual', signal: AbortSignal.timeout(1_000) });
    expect(answer.status).toBe(200);
    expect(fetched).toHaveBeenCalledTimes(1);
  });
});

describe('a configuration nothing checked at start-up (Workers never runs next.config)', () => {
  it('each request answers 500 with a sentence (a page for navigations); one log line names every problem, never the secret', async () => {
    const { createBff } = await import('@/edge/bff');
    const { NextRequest } = await import('next/server');
    const secret = 'short-secret-value';
    const bff = createBff({ env: { SESSION_SECRET: secret } });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const api = await bff.middleware(new NextRequest('https://app.example/api/backend/notes'));
      expect(api.status).toBe(500);
      expect(await api.json()).toMatchObject({ error: 'misconfigured' });
      const page = await bff.middleware(new NextRequest('https://app.example/dashboard', { headers: { 'sec-fetch-mode': 'navigate' } }));
      expect(page.status).toBe(500);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(errors).toHaveBeenCalledTimes(1);
      const line = JSON.parse(String(errors.mock.calls[0][0]));
      expect(line).toMatchObject({ level: 'error', event: 'config_invalid' });
      expect(line.problems).toMatch(/BACKEND_URL/);
      expect(line.problems).toMatch(/SESSION_SECRET/);
      expect(JSON.stringify(line)).not.toContain(secret);
    } finally {
      errors.mockRestore();
    }
  });
});
