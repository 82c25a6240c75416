import type { NextRequest } from 'next/server';
import { login } from '@/edge/auth/login';
import { getRuntime } from '@/edge/runtime';

export async function POST(req: NextRequest): Promise<Response> {
  return login(req, await getRuntime());
}
