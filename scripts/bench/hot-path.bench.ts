import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { bench, describe } from 'vitest';
import { joinChunks } from '@/edge/session/chunks';
import { openSession, sealSession } from '@/edge/session/codec';
import { keyringFor } from '@/edge/session/keys';

const ring = await keyringFor(['micro-bench-secret-0123456789abcdefghijkl']);
const session = {
  accessToken: `eyJhbGciOiJFUzI1NiJ9.${'x'.repeat(300)}.${'s'.repeat(86)}`,
  refreshToken: 'r'.repeat(43),
  accessExpiresAt: Date.now() + 3600_000,
  refreshExpiresAt: Date.now() + 7 * 24 * 3600_000,
  user: { id: '1', email: 'demo@example.com', name: 'Demo User' },
};
const sealed = await sealSession(session, ring);
const header = `theme=dark; __Host-bff_session=${sealed}; _ga=GA1.2.123456789.1700000000`;

describe('session hot path (plain Node)', () => {
  bench('session decrypt (openSession)', async () => {
    await openSession(sealed, ring);
  });
  bench('session encrypt (sealSession)', async () => {
    await sealSession(session, ring);
  });
  bench('cookie parse (Cookie header → session value)', () => {
    const cookies = new RequestCookies(new Headers({ cookie: header }));
    joinChunks((name) => cookies.get(name)?.value, { name: '__Host-bff_session', secure: true, chunkSize: 3500, maxBytes: 12 * 1024 });
  });
});
