import { AsyncLocalStorage } from 'node:async_hooks';

// Next's real edge sandbox provides this global; vitest's edge-runtime environment does not,
// and next/server's patched console needs it.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
