import { bench, describe } from 'vitest';
import { record } from '@/edge/telemetry/metrics';
import { injectTraceContext, traced } from '@/edge/telemetry/tracing';

// What the BFF's OpenTelemetry calls cost when no SDK is registered (the API's no-ops): a page request makes one span,
// a proxied call two (plus one per store command) and one duration record, and injects the trace context once.
const step = async () => 1;

describe('telemetry without an SDK (plain Node)', () => {
  bench('an async step, bare (the floor)', async () => {
    await step();
  });
  bench('the same step in a span (traced)', async () => {
    await traced('bff.middleware', { 'http.request.method': 'GET' }, step);
  });
  bench('a histogram record (bff.proxy.duration)', () => {
    record.proxied(0.001, { 'bff.api': 'backend', 'http.request.method': 'GET', 'bff.status_class': '2xx' });
  });
  bench('trace-context injection into headers', () => {
    injectTraceContext(new Headers());
  });
});
