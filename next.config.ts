import { withBff } from 'next-edge-bff/next-config';

/** Security headers for pages (API responses carry their own). */
const pageHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
];

export default withBff({
  poweredByHeader: false,
  async headers() {
    return [{ source: '/((?!api/).*)', headers: pageHeaders }];
  },
});
