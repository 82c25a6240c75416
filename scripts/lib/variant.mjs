// Copies of this app that differ in a few files (another middleware, a proxy.ts, an extra page), built
// under .variants/<name>/ inside the repository so Turbopack's root (the lockfile's folder) holds node_modules.
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildApp, root } from './processes.mjs';

export const variantsDir = join(root, '.variants');

/**
 * A fresh copy of the app in .variants/<name>, with `extra` files of the repository beside it and the installed
 * packages linked. `files` maps a relative path to its new content, or to null to delete it.
 */
export function copyVariant(name, files, extra = []) {
  const dir = join(variantsDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const item of ['app', 'edge', 'middleware.ts', 'instrumentation.ts', 'next.config.ts', 'tsconfig.json', 'package.json', ...extra]) cpSync(join(root, item), join(dir, item), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    if (content === null) {
      if (existsSync(target)) unlinkSync(target);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return dir;
}

/** The variant (see `copyVariant`) once `next build` (with `env` added to this process's environment) succeeded there. */
export async function buildVariant(name, files, env = {}) {
  const dir = copyVariant(name, files);
  await buildApp({ cwd: dir, env });
  if (!existsSync(join(dir, '.next', 'BUILD_ID'))) throw new Error(`variant ${name} did not build`);
  return dir;
}
