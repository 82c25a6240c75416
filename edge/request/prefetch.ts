/** Router and browser prefetches must never start a refresh or a redirect to login. */
export function isPrefetch(headers: Headers): boolean {
  return (
    headers.get('next-router-prefetch') === '1' ||
    headers.has('x-middleware-prefetch') ||
    headers.get('purpose') === 'prefetch' ||
    (headers.get('sec-purpose')?.includes('prefetch') ?? false)
  );
}
