import type { NextRequest } from 'next/server';
import { logout } from '@/edge/auth/logout';
import { getRuntime } from '@/edge/runtime';

export async function POST(req: NextRequest): Promise<Response> {
  return logout(req, await getRuntime());
}
