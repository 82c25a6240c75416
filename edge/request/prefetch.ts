/**
 * Prefetches must never start a refresh or a redirect to login. Next 16 strips its own
 * router headers (`next-router-prefetch`, `rsc`) before middleware runs, so App Router
 * prefetches look like navigations here; those stay safe because refresh is single-flight.
 * What middleware can see: browser prefetches and speculation rules, and the Pages Router's hint.
 */
export function isPrefetch(headers: Headers): boolean {
  return (
    headers.get('sec-purpose')?.includes('prefetch') === true ||
    headers.get('purpose') === 'prefetch' ||
    headers.has('x-middleware-prefetch')
  );
}
