import { digestKey } from '../crypto/digest-key.ts';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import type { BffRuntime } from '../runtime.ts';
import { diagnosticsReport } from './report.ts';

/**
 * GET `<auth>/diagnostics` (config/diagnostics.ts says when it exists). With BFF_DIAGNOSTICS_TOKEN, only for a caller
 * presenting it as a bearer (compared as digests: no timing on the token itself). Never cached.
 */
export async function diagnostics(req: Request, rt: BffRuntime): Promise<Response> {
  const { token } = rt.config.diagnostics;
  if (token) {
    const presented = /^Bearer (.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
    if ((await digestKey(presented)) !== (await digestKey(token))) {
      return errorResponse(new BffError('unauthenticated', 'Present BFF_DIAGNOSTICS_TOKEN as a bearer token.'));
    }
  }
  return Response.json(await diagnosticsReport(rt), { headers: { 'cache-control': 'private, no-store' } });
}
