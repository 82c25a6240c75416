/** How a proxied call is sent: `fetch`'s shape, narrowed to what `forwardToBackend` passes. */
export type Forwarder = (
  target: URL,
  init: { method: string; headers: Headers; body: Uint8Array<ArrayBuffer> | undefined; redirect: 'manual'; signal: AbortSignal },
) => Promise<Response>;

/** Answers up to this size that declare their length are read whole and answered as one buffer, not a stream. */
export const BUFFERED_BODY_LIMIT = 64 * 1024;

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
  return (target, init) => fetch(target, init);
}
