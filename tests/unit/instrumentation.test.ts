import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '@/instrumentation';

// In this order: once registered, an SDK stays for the rest of the file (each test file has its own globals).
afterEach(() => vi.unstubAllEnvs());

const recording = (name: string) => {
  const span = trace.getTracer(name).startSpan('probe');
  const recorded = span.isRecording();
  span.end();
  return recorded;
};

describe("the demo's instrumentation.ts", () => {
  it('registers nothing while OTEL_EXPORTER_OTLP_ENDPOINT is unset: every span is a no-op', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    await register();
    expect(recording('without')).toBe(false);
  });

  it('with an endpoint, registers an SDK whose spans record (exported to that collector)', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:9');
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    await register();
    expect(recording('with')).toBe(true);
  });
});
