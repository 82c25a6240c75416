import { StoreError } from '../errors.ts';
import { clock, record, secondsSince } from '../telemetry/metrics.ts';
import { SpanKind, traced } from '../telemetry/tracing.ts';
import type { RedisCommands } from './commands.ts';

/** What a failed command is called in traces and metrics: the server's error name (`CROSSSLOT`, `READONLY`…), else `timeout` or `connection`. */
export const storeErrorType = (error: unknown): string => {
  const failure = StoreError.from(error);
  return failure.reply ?? failure.kind;
};

/**
 * A span and a duration for every store command (OpenTelemetry's database conventions: `db.system.name`,
 * `db.operation.name`, `error.type`), and a count of failures by type. Never a key or a value: keys are digests of
 * tokens and session ids, values sealed sessions.
 */
export function withTelemetry(inner: RedisCommands, transport: 'upstash' | 'redis'): RedisCommands {
  function call<T>(operation: string, run: () => Promise<T>, durable?: boolean): Promise<T> {
    const facts = { 'db.system.name': 'redis', 'db.operation.name': operation, 'bff.store.transport': transport, 'bff.store.durable': durable };
    return traced(
      operation,
      facts,
      async () => {
        const started = clock();
        try {
          const result = await run();
          record.storeCall(secondsSince(started), facts);
          return result;
        } catch (error) {
          const errorType = storeErrorType(error);
          record.storeCall(secondsSince(started), { ...facts, 'error.type': errorType });
          record.storeError(errorType);
          throw error;
        }
      },
      { kind: SpanKind.CLIENT, errorType: storeErrorType },
    );
  }
  const name = (args: (string | number)[]) => String(args[0]).toUpperCase();
  return {
    command: (args) => call(name(args), () => inner.command(args)),
    evalsha: (sha, keys, args) => call('EVALSHA', () => inner.evalsha(sha, keys, args)),
    eval: (script, keys, args) => call('EVAL', () => inner.eval(script, keys, args)),
    durable: inner.durable && ((args) => call(name(args), () => inner.durable!(args), true)),
    settling: inner.settling && (() => inner.settling!()),
  };
}
