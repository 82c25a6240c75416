import { readFileSync } from 'node:fs';
import { root } from '../../scripts/lib/processes.mjs';
import { buildVariant } from '../../scripts/lib/variant.mjs';

/** The `proxy.ts` snippet of the README, exactly as a user would paste it. */
export function proxySnippetFromReadme(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const match = /Switching to `proxy\.ts`[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no proxy.ts snippet');
  return match[1];
}

const builds = new Map<string, Promise<string>>();

/** This app switched to Next 16's Node-only `proxy.ts` as the README says, built once per test file under `name`. */
export function proxyTsBuild(name: string): Promise<string> {
  if (!builds.has(name)) builds.set(name, buildVariant(name, { 'middleware.ts': null, 'proxy.ts': proxySnippetFromReadme() }));
  return builds.get(name)!;
}
