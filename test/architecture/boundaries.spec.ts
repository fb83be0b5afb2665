import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The shape docs/architecture.md describes, checked on the sources (ESLint checks the import
 * rules of domain, cores and infrastructure; this checks what a lint rule cannot see).
 */
const SRC = join(process.cwd(), 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

/** Relative imports of a file, resolved to paths under src. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => relative(SRC, normalize(join(dirname(file), m[1]))));
}

const topFolder = (path: string) => (path.includes('/') ? path.split('/')[0] : null);

/** Folder-level import graph: feature → the features it imports. */
export function folderGraph(files: { file: string; imports: string[] }[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { file, imports } of files) {
    const from = topFolder(file);
    if (!from) continue;
    // imports outside src (the migrations) are not folders of the service
    for (const to of imports.filter((i) => !i.startsWith('..')).map(topFolder)) {
      if (!to || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan): each is an import cycle. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((s) => [...s])]);
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return out;
}

/** The layers of docs/architecture.md: a folder imports only folders of lower layers. */
const LAYERS: string[][] = [
  ['domain'],
  ['config', 'cores'],
  ['database'],
  ['common'],
  ['auth'],
  ['audit', 'regions', 'notifications', 'events'],
  ['facilities', 'reports', 'push', 'api-keys'],
  ['availability', 'matching', 'members'],
  ['lifecycle', 'capacity', 'signin'],
  ['jobs', 'metrics', 'health', 'demo', 'cli', 'web'],
];
const layerOf = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));

describe('architecture', () => {
  const files = sources(SRC).map((file) => ({ file: relative(SRC, file), imports: importsOf(file) }));

  it('no two feature folders import each other, directly or around a loop', () => {
    expect(cycles(folderGraph(files))).toEqual([]);
  });

  it('every folder has its layer, and imports only folders of lower layers', () => {
    const graph = folderGraph(files);
    const folders = new Set([...graph.keys(), ...[...graph.values()].flatMap((x) => [...x])]);
    expect([...folders].filter((f) => layerOf(f) < 0)).toEqual([]);
    const upward = [...graph].flatMap(([from, tos]) =>
      [...tos].filter((to) => layerOf(to) >= layerOf(from)).map((to) => `${from} → ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('the cycle check finds loops (so the check above can fail)', () => {
    const graph = folderGraph([
      { file: 'a/x.ts', imports: ['b/y.js'] },
      { file: 'b/y.ts', imports: ['c/z.js'] },
      { file: 'c/z.ts', imports: ['a/x.js'] },
      { file: 'd/w.ts', imports: ['a/x.js'] },
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('every Nest module owns exactly its folder: it registers only what lies under it, and other modules', () => {
    // the application module (src/app.module.ts) is the composition root: it wires guard, filter and modules
    const modules = files.filter((f) => f.file.endsWith('.module.ts') && f.file.includes('/'));
    expect(modules.length).toBeGreaterThan(10);
    const foreign = modules.flatMap(({ file, imports }) =>
      imports
        .filter((i) => !i.startsWith(dirname(file) + '/'))
        // other modules, configuration, and ports a module implements (audit implements auth's denial recorder)
        .filter((i) => !i.endsWith('.module.js') && !i.startsWith('config/') && i !== 'auth/denials.js')
        .map((i) => `${file} → ${i}`),
    );
    expect(foreign).toEqual([]);
  });

  it('one folder serves each route prefix', () => {
    const owners = new Map<string, Set<string>>();
    for (const { file } of files.filter((f) => f.file.endsWith('.controller.ts'))) {
      const text = readFileSync(join(SRC, file), 'utf8');
      const prefix = /@Controller\('([^']*)'\)/.exec(text)?.[1];
      if (prefix === undefined) continue;
      // the resource a prefix names: api/v1/<resource>; a sub-resource under an id belongs to whoever serves it
      const resource = prefix
        .split('/')
        .slice(0, prefix.startsWith('api/') ? 3 : 1)
        .join('/');
      const key = prefix.includes(':') ? prefix : resource;
      if (!owners.has(key)) owners.set(key, new Set());
      owners.get(key)!.add(topFolder(file)!);
    }
    const shared = [...owners]
      .filter(([, folders]) => folders.size > 1)
      .map(([prefix, folders]) => `${prefix}: ${[...folders].join(', ')}`);
    expect(shared).toEqual([]);
  });

  it('at most three @Global modules (configuration, database, common)', () => {
    const globals = files
      .filter((f) => f.file.endsWith('.module.ts') && /@Global\(\)/.test(readFileSync(join(SRC, f.file), 'utf8')))
      .map((f) => f.file);
    expect(globals.sort()).toEqual(['common/common.module.ts', 'config/config.module.ts', 'database/database.module.ts']);
  });
});
