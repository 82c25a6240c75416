import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable, Transform, type Duplex } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { DECODED_BODY_LIMIT, decodedTooLarge, hasNoBody, readWhole, type Forwarder, type Upstream } from './upstream.ts';
import { lookup } from '../lookup.ts';

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Node only (proxy.ts, middleware with `runtime: "nodejs"`): the proxied call on `node:http` with keep-alive agents
 * instead of `fetch`, whose WHATWG machinery is most of a proxied call's cost there (issue 21: a probe measured
 * `fetch` forwarding at 0.60 of Next's bare rewrite, this at 1.02). What it sends and answers is what `fetch` would:
 * the body with its exact `Content-Length`, no redirect followed, the answer decoded (identity is asked for; an
 * encoded answer is decoded like `fetch` does, so response-headers.ts sees the same thing on both runtimes).
 *
 * A kept-alive socket is shared by every user's calls, so it goes back to the pool only after an exchange that ended
 * exactly as HTTP says (exchangeAgent below): one user's stray bytes must never become another user's answer.
 */
export function nodeForwarder(): Forwarder {
  const agents = { http: exchangeAgent(HttpAgent), https: exchangeAgent(HttpsAgent) };
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
        // No body is read for these, and the socket is never reused: gunicorn writes a body after a HEAD answer
        // anyway, and those bytes would be parsed as the answer to whoever's call got the socket next.
        if (hasNoBody(init.method, head.status)) {
          retire(req);
          res.resume();
          resolve({ ...head, body: null });
          return;
        }
        const coding = answered.get('content-encoding')?.trim().toLowerCase();
        const decode = coding && coding !== 'identity' ? lookup(DECODERS, coding) : undefined;
        // A short answer of declared length is read whole: one buffer instead of a stream (a cut one is an error).
        if (readWhole(answered.get('content-length'))) readAll(bodyOf(res, decode)).then((whole) => resolve({ ...head, body: whole }), reject);
        else resolve({ ...head, body: Readable.toWeb(bodyOf(res, decode)) as ReadableStream<Uint8Array> });
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

/** The exchange's socket is closed once its answer has been read, instead of going back to the pool. */
function retire(req: ClientRequest): void {
  req.shouldKeepAlive = false;
}

/** Any byte on a pooled socket arrives outside an exchange: the socket is no longer trustworthy and is closed. */
function strayByte(this: Duplex): void {
  this.destroy();
}

/**
 * A keep-alive agent whose idle sockets are watched: bytes that arrive while a socket waits in the pool (the tail of
 * an earlier answer, anything unasked) destroy it before it can be handed to the next call. Node calls
 * `keepSocketAlive` when a socket is pooled and `reuseSocket` when it is taken again (documented Agent hooks).
 */
function exchangeAgent<A extends typeof HttpAgent | typeof HttpsAgent>(Base: A): InstanceType<A> {
  const agent = new Base({ keepAlive: true }) as InstanceType<A>;
  // Typed `void` in @types/node; Node documents a falsy return as "destroy instead of pooling".
  const keep = agent.keepSocketAlive.bind(agent) as (socket: Duplex) => boolean;
  const reuse = agent.reuseSocket.bind(agent);
  agent.keepSocketAlive = (socket) => {
    if (socket.destroyed || socket.readableLength > 0 || !keep(socket)) return false;
    socket.on('data', strayByte);
    return true;
  };
  agent.reuseSocket = (socket, request) => {
    socket.removeListener('data', strayByte);
    reuse(socket, request);
  };
  return agent;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  return headers;
}

/** The answer's body, decoded (at most DECODED_BODY_LIMIT bytes) when the backend encoded it anyway. */
function bodyOf(res: IncomingMessage, decode: (() => NodeJS.ReadWriteStream) | undefined): Readable {
  if (!decode) return res;
  let seen = 0;
  const bound = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.byteLength;
      done(seen > DECODED_BODY_LIMIT ? decodedTooLarge() : null, chunk);
    },
  });
  const decoded = res.pipe(decode()).pipe(bound);
  const fail = (error: Error) => {
    bound.destroy(error);
    res.destroy();
  };
  res.on('error', fail);
  bound.on('error', () => res.destroy());
  return decoded;
}

/** The whole answer, by events rather than an async iterator (which showed in the profile); cut short, an error. */
function readAll(body: Readable): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolve(Buffer.concat(chunks) as Uint8Array<ArrayBuffer>));
    body.once('error', reject);
    body.once('close', () => {
      const complete = 'complete' in body ? (body as IncomingMessage).complete : (body as Readable).readableEnded;
      if (!complete) reject(new Error('The backend closed the connection before its answer was complete.'));
    });
  });
}
