import type { NextRequest } from 'next/server';
import { login } from '@/edge/auth/login';
import { getRuntime } from '@/edge/runtime';

/**
 * The middleware answers this route itself (so rate limiting and its refund on success share
 * counters); this handler serves deployments whose matcher leaves /api/auth out.
 */
export async function POST(req: NextRequest): Promise<Response> {
  const rt = await getRuntime();
  return login(req, rt, await rt.policy.current());
}
