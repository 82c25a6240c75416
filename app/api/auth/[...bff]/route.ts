import { authHandlers } from 'next-edge-bff/routes';
import { bff } from '@/app/lib/bff';

/** `/api/auth/logout`, `/session` (and the OpenID sign-in routes); the middleware answers a password login itself. */
export const { GET, POST } = authHandlers(bff);
