import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { hasNoBody, readWhole, type Forwarder, type Upstream } from './forwarder.ts';

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Node only (proxy.ts, middleware with `runtime: "nodejs"`): the proxied call on `node:http` with keep-alive agents
 * instead of `fetch`, whose WHATWG machinery is most of a proxied call's cost there (issue 21: a probe measured
 * `fetch` forwarding at 0.60 of Next's bare rewrite, this at 1.02). What it sends and answers is what `fetch` would:
 * the body with its exact `Content-Length`, no redirect followed, the answer decoded (identity is asked for; an
 * encoded answer is decoded like `fetch` does, so response-headers.ts sees the same thing on both runtimes).
 */
export function nodeForwarder(): Forwarder {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const forward: Forwarder = (target, init) => send(target, init, true);
  const send = (target: URL, init: Parameters<Forwarder>[1], retry: boolean): Promise<Upstream> =>
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
        const head = { status: res.statusCode ?? 502, statusText: res.statusMessage ?? '', headers: answered };
        // No body is read for these. gunicorn sends one after a HEAD anyway: Node's parser then fails the socket,
        // which is dropped, while the answer (headers only, as HTTP says) is already given.
        if (hasNoBody(init.method, head.status)) {
          res.resume();
          resolve({ ...head, body: null });
          return;
        }
        const coding = answered.get('content-encoding')?.trim().toLowerCase();
        const decode = coding ? DECODERS[coding] : undefined;
        // A short answer of declared length is read whole: one buffer instead of a stream (a cut one is an error).
        if (!decode && readWhole(answered.get('content-length'))) readAll(res).then((whole) => resolve({ ...head, body: whole }), reject);
        else resolve({ ...head, body: stream(res, decode) });
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

/** The answer's body as a stream, decoded when the backend encoded it anyway. */
function stream(res: IncomingMessage, decode: (() => NodeJS.ReadWriteStream) | undefined): ReadableStream<Uint8Array> {
  if (!decode) return Readable.toWeb(res) as ReadableStream<Uint8Array>;
  const decoded = res.pipe(decode()) as unknown as Readable;
  res.on('error', (error) => decoded.destroy(error));
  return Readable.toWeb(decoded) as ReadableStream<Uint8Array>;
}

/** The whole answer, by events rather than an async iterator (which showed in the profile); cut short, an error. */
function readAll(res: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks) as Uint8Array<ArrayBuffer>));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(new Error('The backend closed the connection before its answer was complete.'));
    });
  });
}
