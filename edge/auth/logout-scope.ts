import { BffError } from '../errors.ts';
import { readFields } from '../request/read-fields.ts';

/** Which sessions a logout ends: this one, the user's others (this one stays), or all of them. */
export type LogoutScope = 'local' | 'others' | 'global';

const SCOPES: readonly string[] = ['local', 'others', 'global'];

/** The logout's `scope` (JSON or form field; none means `local`), and whether a browser form sent it. */
export async function readLogoutScope(req: Request, limit: number): Promise<{ scope: LogoutScope; isForm: boolean } | BffError> {
  const isForm = (req.headers.get('content-type') ?? '').includes('form');
  const read = await readFields(req, limit, 'logout', { fields: {}, isForm });
  if (read instanceof BffError) return read;
  const scope = read.fields.scope ?? 'local';
  if (typeof scope !== 'string' || !SCOPES.includes(scope)) {
    return new BffError('bad_request', 'scope must be "local", "others" or "global".', { fields: { scope: ['Use local, others or global.'] } });
  }
  return { scope: scope as LogoutScope, isForm: read.isForm };
}
