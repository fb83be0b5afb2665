import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The pages' code by what it is (docs/architecture.md, "Pages"): main.ts routes to the pages and
 * nothing imports it; a page never imports another page (what two pages share lives in shared/);
 * the folders below the pages import no page.
 */
const WEB = join(process.cwd(), 'web', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Static imports of a file, resolved to paths under web/src (dynamic `import()` is how main.ts loads pages). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import[^;]*?from\s*'(\.{1,2}\/[^']+)'|^import\s*'(\.{1,2}\/[^']+)'/gm)].map((m) =>
    relative(WEB, normalize(join(dirname(file), m[1] ?? m[2]))).replace(/\.js$/, '.ts'),
  );
}

const files = sources(WEB).map((f) => ({ file: relative(WEB, f), imports: staticImports(f) }));
const folder = (p: string) => (p.includes('/') ? p.split('/')[0] : '.');

/** The rule, as a function of the import list, so the test below can show that it fails. */
export function pageRuleBreaches(list: { file: string; imports: string[] }[]): string[] {
  // main.ts is the router: it may name a page (a type); every other file stays below the pages
  return list.flatMap(({ file, imports }) =>
    imports
      .filter(() => file !== 'main.ts')
      .filter((to) => to === 'main.ts' || (folder(to) === 'pages' && to !== file))
      .map((to) => `${file} imports ${to}`),
  );
}

describe('the pages’ code (web/src)', () => {
  it('has its files in folders by what they are, none loose beside main.ts', () => {
    const loose = files.map((f) => f.file).filter((f) => !f.includes('/') && f !== 'main.ts');
    expect(loose).toEqual([]);
    expect(new Set(files.map((f) => folder(f.file)))).toEqual(new Set(['.', 'core', 'forms', 'live', 'pages', 'shared', 'words']));
  });

  it('nothing imports main.ts, and no file imports a page statically (main.ts loads them on demand)', () => {
    expect(pageRuleBreaches(files)).toEqual([]);
  });

  it('the rule finds a page importing another page or main.ts (so the check above can fail)', () => {
    expect(
      pageRuleBreaches([
        { file: 'pages/map.ts', imports: ['pages/desk.ts', 'core/api.ts'] },
        { file: 'pages/desk.ts', imports: ['main.ts'] },
        { file: 'shared/candidates.ts', imports: ['pages/desk.ts'] },
      ]),
    ).toEqual(['pages/map.ts imports pages/desk.ts', 'pages/desk.ts imports main.ts', 'shared/candidates.ts imports pages/desk.ts']);
  });
});
