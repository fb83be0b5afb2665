import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { documentedVariables, headingAnchors, linksOf, variablesReadBy } from '../support/docs.js';

/**
 * Documentation that cannot drift (issue 31): every relative link and image of README.md and docs/
 * resolves (files and #anchors), and docs/configuration.md lists exactly the variables the code reads.
 * The routes of docs/api.md are checked against the running service in test/e2e/docs-api.spec.ts.
 */
const ROOT = process.cwd();
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

describe('documentation (README.md and docs/)', () => {
  it('every relative link and image points at a file that exists, and every #anchor at a heading', () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      for (const { target, line } of linksOf(readFileSync(join(ROOT, doc), 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not ours to check
        const [path, anchor] = target.split('#', 2) as [string, string | undefined];
        const file = path ? resolve(ROOT, dirname(doc), decodeURIComponent(path)) : join(ROOT, doc);
        const where = `${doc}:${line} links to "${target}"`;
        if (!file.startsWith(ROOT + '/') || !existsSync(file)) {
          broken.push(`${where}, but ${relative(ROOT, file)} does not exist`);
          continue;
        }
        if (anchor === undefined || !file.endsWith('.md') || statSync(file).isDirectory()) continue;
        if (!headingAnchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor).toLowerCase()))
          broken.push(`${where}, but ${relative(ROOT, file)} has no heading with the anchor #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README stays a front door (at most 250 lines)', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length;
    expect({ lines, atMost250: lines <= 250 }).toEqual({ lines, atMost250: true });
  });

  it('docs/configuration.md lists every environment variable the service reads, and nothing else', () => {
    const read = new Map<string, string>();
    for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'config'))])
      for (const name of variablesReadBy(readFileSync(file, 'utf8'))) if (!read.has(name)) read.set(name, relative(ROOT, file));
    const documented = documentedVariables(readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8'));
    // the scan must find what we know is there, or it checks nothing
    expect([...read.keys()]).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'RATE_LIMIT_PER_MINUTE', 'VAPID_SUBJECT']));
    const problems = [
      ...[...read]
        .filter(([name]) => !documented.has(name))
        .map(([name, file]) => `${name} is read by ${file} but not in docs/configuration.md`),
      ...[...documented]
        .filter((name) => !read.has(name))
        .map((name) => `${name} is in docs/configuration.md but no file of src/ or config/ reads it`),
    ];
    expect(problems).toEqual([]);
  });
});
