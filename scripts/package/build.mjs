// `npm run build:package` (and `prepack`): edge/ → dist/ as ES modules with type declarations, for `npm pack`.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
rmSync(new URL('dist', `file://${root}`), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The repository root is a Next app (CommonJS scope); the files under dist/ are ES modules.
writeFileSync(new URL('dist/package.json', `file://${root}`), `${JSON.stringify({ type: 'module', sideEffects: false }, null, 2)}\n`);
