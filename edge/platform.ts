/**
 * Cloudflare Workers (workerd, also under OpenNext): its `navigator.userAgent` is fixed by the runtime, so no request
 * can pretend. OpenNext runs Server Components with `NEXT_RUNTIME=nodejs` there, yet without `node:http` before
 * compatibility date 2025-08-15, and Cloudflare's edge, not the client, writes `CF-Connecting-IP`.
 */
export function onCloudflareWorkers(): boolean {
  return typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers';
}
