import { fetchForwarder } from './fetch-forwarder.ts';
import type { Forwarder } from './upstream.ts';

/**
 * `fetch` on the edge; on Node, `node:http` (proxy/node-forwarder.ts), which costs a fraction of `fetch` there. Next
 * replaces `process.env.NEXT_RUNTIME` at build time, so the edge bundle drops the Node import with the dead branch
 * (as store/connect.ts does for the Redis client).
 */
export async function platformForwarder(): Promise<Forwarder> {
  if (process.env.NEXT_RUNTIME !== 'edge' && typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime !== 'string') {
    const { nodeForwarder } = await import('./node-forwarder.ts');
    return nodeForwarder();
  }
  return fetchForwarder();
}
