import type { NextRequest } from 'next/server';
import { sessionInfo } from '@/edge/auth/session-info';
import { getRuntime } from '@/edge/runtime';

export async function GET(req: NextRequest): Promise<Response> {
  return sessionInfo(req, await getRuntime());
}
