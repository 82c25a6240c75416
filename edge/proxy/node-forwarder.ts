import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BUFFERED_BODY_LIMIT, type Forwarder } from './forwarder.ts';

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

/**
 * Node only (proxy.ts, middleware with `runtime: "nodejs"`): the proxied call on `node:http` with keep-alive agents
 * instead of `fetch`, whose WHATWG machinery is most of a proxied call's cost there (issue 21: a probe measured
 * `fetch` forwarding at 0.60 of Next's bare rewrite, this at 1.02). What it sends and answers is what `fetch` would:
 * the body with its exact `Content-Length`, no redirect followed, the answer decoded (identity is asked for; an
 * encoded answer is decoded like `fetch` does, so response-headers.ts sees the same thing on both runtimes).
 */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export function nodeForwarder(): Forwarder {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const forward: Forwarder = (target, init) => send(target, init, true);
  const send = (target: URL, init: Parameters<Forwarder>[1], retry: boolean): Promise<Response> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      init.headers.forEach((value, name) => {
        headers[name] = value;
      });
      headers['accept-encoding'] = 'identity';
      if (init.body !== undefined) headers['content-length'] = String(init.body.byteLength);
      const https = target.protocol === 'https:';
      const request = https ? httpsRequest : httpRequest;
      let responded = false;
      const req = request(target, { method: init.method, headers, agent: https ? agents.https : agents.http, signal: init.signal }, (res) => {
        responded = true;
        // Resolved within the 'response' event itself: a parse error right after the headers must not win the race.
        const answered = responseHeaders(res);
        const status = res.statusCode ?? 502;
        // No body is read for these. gunicorn sends one after a HEAD anyway: Node's parser then fails the socket,
        // which is dropped, while the answer (headers only, as HTTP says) is already given.
        if (init.method === 'HEAD' || [204, 205, 304].includes(status)) {
          res.resume();
          resolve(new Response(null, { status, statusText: res.statusMessage, headers: answered }));
        } else answer(res, status, answered).then(resolve, reject);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed as it was reused (Node's documented race): one more try on a fresh
        // one, for methods a repeat cannot harm, as fetch does.
        const stale = req.reusedSocket && !responded && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (stale && retry && IDEMPOTENT.has(init.method)) send(target, init, false).then(resolve, reject);
        else reject(error);
      });
      req.end(init.body);
    });
  return forward;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  return headers;
}

async function answer(res: IncomingMessage, status: number, headers: Headers): Promise<Response> {
  const coding = headers.get('content-encoding')?.trim().toLowerCase();
  const decode = coding ? DECODERS[coding] : undefined;
  const body: Readable = decode ? res.pipe(decode()) as unknown as Readable : res;
  if (decode) res.on('error', (error) => body.destroy(error));
  const length = Number(headers.get('content-length'));
  if (!decode && headers.has('content-length') && length <= BUFFERED_BODY_LIMIT) {
    // A short answer of a declared length is read whole: one buffer instead of a stream (and a cut one is an error).
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return new Response(Buffer.concat(chunks), { status, statusText: res.statusMessage, headers });
  }
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { status, statusText: res.statusMessage, headers });
}
