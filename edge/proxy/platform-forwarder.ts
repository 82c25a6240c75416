import { onCloudflareWorkers } from '../platform.ts';
import { fetchForwarder } from './fetch-forwarder.ts';
import type { Forwarder } from './upstream.ts';

/**
 * `fetch` on the edge and on Cloudflare Workers; on Node, `node:http` (proxy/node-forwarder.ts), which costs a fraction
 * of `fetch` there. Next replaces `process.env.NEXT_RUNTIME` at build time, so the edge bundle drops the Node import
 * with the dead branch (as store/connect.ts does for the Redis client). OpenNext's Node bundle says `nodejs` on
 * Workers too, where `node:http` may be missing (platform.ts): `fetch` works on every compatibility date.
 */
export async function platformForwarder(): Promise<Forwarder> {
  if (process.env.NEXT_RUNTIME !== 'edge' && typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime !== 'string' && !onCloudflareWorkers()) {
    const { nodeForwarder } = await import('./node-forwarder.ts');
    return nodeForwarder();
  }
  return fetchForwarder();
}
