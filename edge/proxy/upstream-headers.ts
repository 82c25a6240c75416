/** Never forwarded: the browser's credentials, and hop-by-hop headers that belong to one connection. */
const DROP = new Set([
  'cookie',
  'authorization',
  'proxy-authorization',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers for the backend: the client's, minus credentials and Next internals, plus our bearer. */
export function upstreamHeaders(incoming: Headers, accessToken: string): Headers {
  const headers = new Headers();
  incoming.forEach((value, name) => {
    if (!DROP.has(name) && !name.startsWith('x-middleware-')) headers.set(name, value);
  });
  headers.set('authorization', `Bearer ${accessToken}`);
  return headers;
}
