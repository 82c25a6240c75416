/**
 * The only logger of edge/. It takes a stable event code and a few scalar facts;
 * callers must never pass a token, cookie value or password (reviewed by grep in CI hooks).
 */
type Fact = string | number | boolean | undefined;

export function logWarn(event: string, facts: Record<string, Fact> = {}): void {
  console.warn(JSON.stringify({ level: 'warn', source: 'bff', event, ...facts }));
}
