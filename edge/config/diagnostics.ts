import { DEFAULTS } from './defaults.ts';
import { parseBool } from './parse-values.ts';
import type { DiagnosticsConfig } from './types.ts';

/**
 * `<auth>/diagnostics` (diagnostics/endpoint.ts): open in development, off in production unless
 * BFF_DIAGNOSTICS_TOKEN is set, and then only to a caller presenting it as a bearer. The report masks every secret,
 * but it still describes the deployment (its APIs, its store's shape, its recent failures): not for strangers.
 */
export function readDiagnostics(read: (name: string) => string | undefined, nodeEnv: string | undefined, problems: string[]): DiagnosticsConfig {
  const token = read('BFF_DIAGNOSTICS_TOKEN');
  const production = nodeEnv === 'production';
  const enabled = parseBool(read('BFF_DIAGNOSTICS'), 'BFF_DIAGNOSTICS', !production || token !== undefined, problems);
  if (token !== undefined && token.length < DEFAULTS.minSecretLength) {
    problems.push(`BFF_DIAGNOSTICS_TOKEN must be at least ${DEFAULTS.minSecretLength} characters (e.g. the output of \`openssl rand -base64 32\`).`);
  }
  if (enabled && production && token === undefined) {
    problems.push('BFF_DIAGNOSTICS=true in production needs BFF_DIAGNOSTICS_TOKEN too: the report is then shown only to a caller presenting it (Authorization: Bearer …).');
    return { enabled: false };
  }
  return { enabled, token };
}
