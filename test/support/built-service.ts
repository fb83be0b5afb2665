import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { underRunLock } from './databases.js';

/**
 * The service compiled as `npm run build` compiles it (tsconfig.build.json), once per test run: the
 * build-output test reads it and the shutdown test runs it. The compiler is the slowest step of both;
 * the second one waits for the first's build instead of making its own. The global teardown removes it.
 */
export async function builtService(): Promise<string> {
  const out = resolve(`.data/test-build-${process.env.APPRODO_TEST_RUN ?? `pid-${process.pid}`}`);
  const done = `${out}.done`;
  await underRunLock(727003, () => {
    if (existsSync(done)) return;
    rmSync(out, { recursive: true, force: true });
    const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
    writeFileSync(done, '');
  });
  return out;
}
