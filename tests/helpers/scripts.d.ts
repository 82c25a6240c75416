declare module '*/scripts/lib/processes.mjs' {
  import type { ChildProcess } from 'node:child_process';
  export interface Proc {
    child: ChildProcess;
    name: string;
    output(): string;
    stop(): Promise<void>;
  }
  export const root: string;
  export function freePort(): Promise<number>;
  export function buildApp(options?: { echo?: boolean; env?: Record<string, string> }): Promise<string>;
  export function startBackend(port: number, env?: Record<string, string>, echo?: boolean): Proc;
  export function startApp(port: number, env: Record<string, string>, echo?: boolean, cwd?: string): Proc;
  export function startServer(port: number, env: Record<string, string>, echo?: boolean, cwd?: string): Proc;
  export function startProcess(name: string, command: string, args: string[], options?: { env?: Record<string, string>; echo?: boolean; cwd?: string }): Proc;
  export function run(name: string, command: string, args: string[], options?: { env?: Record<string, string>; echo?: boolean; cwd?: string }): Promise<string>;
  export function startRedis(port: number): Proc;
  export function startUpstashFixture(port: number, redisPort: number, token: string): Proc;
  export function waitForHttp(url: string, timeoutMs?: number, proc?: Proc): Promise<void>;
}

declare module '*/scripts/lib/variant.mjs' {
  export const variantsDir: string;
  export function buildVariant(name: string, files: Record<string, string | null>, env?: Record<string, string>): Promise<string>;
}

declare module '*/scripts/lib/middleware-size.mjs' {
  export const MIDDLEWARE_GZIP_BUDGET: number;
  export function middlewareBytes(dir: string): { raw: number; gzip: number; files: string[]; instrumentation: number };
}

declare module '*/scripts/lib/cloudflare.mjs' {
  export const wranglerJs: string;
  export const wranglerEnv: Record<string, string>;
  export function node22(): string;
  export function buildCloudflareVariant(name: string, files?: Record<string, string>): Promise<string>;
  export function workerStartup(dir: string): Promise<{ gzipKiB: number; startupCpuMs: number }>;
}

declare module '*/scripts/bench/peers/refusals.mjs' {
  export function refusals(input: {
    runs: Record<string, { errors: number; firstError?: unknown }[]>;
    windows: { name: string; api: boolean; t0: number; t1: number }[];
    connections: Record<string, { at: number; what: string }[]>;
    backendPort: number;
    since: number;
  }): string[];
}
