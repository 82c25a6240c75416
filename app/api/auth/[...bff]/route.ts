import { bff } from '@/app/lib/bff';

/** `/api/auth/login`, `/logout` and `/session` (the middleware answers login itself; this serves the rest). */
export const { GET, POST } = bff.handlers;
