import { hopByHop } from '../http/hop-by-hop.ts';

/**
 * Never forwarded, besides hop-by-hop headers: the browser's credentials, method overrides (the method the CSRF
 * check saw is the method the backend runs), and the forwarding headers a client could forge (replaced below by
 * what the BFF itself knows).
 */
const DROP = new Set([
  'cookie',
  'authorization',
  'dpop',
  'host',
  'content-length',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  // Client addresses as CDNs and hosts name them: forgeable by anyone when the app runs elsewhere.
  'true-client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'fastly-client-ip',
  'fly-client-ip',
  'cdn-loop',
  // Trace context is the BFF's to establish (telemetry/tracing.ts): a client's own would choose the backend's trace ids
  // and carry baggage of its choosing.
  'traceparent',
  'tracestate',
  'baggage',
]);

/**
 * Platform and framework headers (Vercel, OpenNext, Cloudflare, Next's internals): the platform set them for itself,
 * or a client forged them where no platform strips them. The backend gets what the BFF established instead
 * (`x-forwarded-*`, `forwarded` below).
 */
const DROP_PREFIXES = ['x-vercel-', 'x-open-next-', 'cf-', 'x-middleware-', 'x-nextjs-', 'x-invoke-'];
const isPlatformHeader = (name: string) => DROP_PREFIXES.some((prefix) => name.startsWith(prefix));

/** What the BFF knows about the browser's request, for the backend's logs and absolute URLs. */
export interface ForwardedFor {
  /** The client's address where a platform or trusted proxy established it (ratelimit/client-ip.ts), else undefined. */
  clientIp?: string;
  /** The app's public host and scheme. */
  host: string;
  proto: string;
}

/**
 * Headers for the backend: the client's, minus credentials and platform headers, plus forwarding facts. The user's
 * token is added by `forwardToBackend`, as a bearer or with a DPoP proof for the exact request.
 */
export function upstreamHeaders(incoming: Headers, forwarded: ForwardedFor): Headers {
  const headers = new Headers();
  const isHop = hopByHop(incoming);
  incoming.forEach((value, name) => {
    if (!DROP.has(name) && !isHop(name) && !isPlatformHeader(name)) headers.set(name, value);
  });
  const { clientIp, host, proto } = forwarded;
  headers.set('x-forwarded-host', host);
  headers.set('x-forwarded-proto', proto);
  // No address at all rather than one the client chose: backends rate-limit, audit and allow-list by it.
  if (clientIp) {
    headers.set('x-forwarded-for', clientIp);
    headers.set('x-real-ip', clientIp);
    const node = clientIp.includes(':') ? `"[${clientIp}]"` : clientIp;
    headers.set('forwarded', `for=${node};host="${host}";proto=${proto}`);
  }
  return headers;
}
