import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtService } from '../support/built-service.js';

/** What ships: `npm run build`'s compiler settings (the run's one build, shared with the shutdown test), then read every file. */
const root = process.cwd(); // jest runs from the project root
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const devDependencies = new Set(Object.keys(pkg.devDependencies));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Bare specifiers of static and dynamic imports in compiled ESM. */
export function importedPackages(js: string): string[] {
  const specs = [...js.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"./][^'"]*)['"]/g)].map((m) => m[1]);
  return specs.filter((s) => !s.startsWith('node:')).map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
}

describe('the build output (dist)', () => {
  let out: string;
  let files: string[];

  beforeAll(async () => {
    out = await builtService();
    files = filesUnder(out);
  }, 180_000);

  it('holds the service and no spec file', () => {
    expect(files.some((f) => f.endsWith(join('src', 'main.js')))).toBe(true);
    expect(files.filter((f) => /\.spec\.js$/.test(f))).toEqual([]);
  });

  it('holds no test helper', () => {
    const helpers = files.filter(
      (f) =>
        /(FakeClock|fast-check|test-factories|test-arbitraries)/.test(readFileSync(f, 'utf8')) || /test[-_]?(support|helpers?)/.test(f),
    );
    expect(helpers.map((f) => f.slice(out.length))).toEqual([]);
  });

  it('imports no devDependency', () => {
    const offenders = files
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) =>
        importedPackages(readFileSync(f, 'utf8'))
          .filter((p) => devDependencies.has(p))
          .map((p) => `${f.slice(out.length)} → ${p}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the import scan sees what it must (so the check above can fail)', () => {
    expect(importedPackages(`import fc from "fast-check";\nconst t = await import('@nestjs/testing/x');\nimport "esbuild";`)).toEqual([
      'fast-check',
      '@nestjs/testing',
      'esbuild',
    ]);
    expect(importedPackages(`import { x } from './local.js'; import fs from 'node:fs';`)).toEqual([]);
  });
});
