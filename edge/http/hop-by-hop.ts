/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): never relayed by a proxy. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** A test for the hop-by-hop headers of one message: the fixed set plus those its `Connection` header names. */
export function hopByHop(headers: Headers): (name: string) => boolean {
  const named = (headers.get('connection') ?? '').toLowerCase().split(',').map((h) => h.trim());
  return (name) => HOP_BY_HOP.has(name) || named.includes(name);
}
