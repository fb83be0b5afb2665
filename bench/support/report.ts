import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';

export const DOCS_FILE = resolve('docs/benchmarks.md');

/** taken when the bench starts, before it adds load of its own */
const LOAD_AT_START = loadavg();

const today = () => new Date().toISOString().slice(0, 10);

function header(): string {
  return [
    '# Benchmarks',
    '',
    'Figures measured by the scripts in `bench/`. Each `## <name>` section is rewritten by `npm run bench -- <name>`',
    'with the figures of its latest run; the rest of this file is left alone.',
    '',
    '- Machine: 2 cores / 24 GiB RAM (the development container). Each section states what its run saw.',
    '- Run: `npm run bench -- availability` (compiles with `tsconfig.bench.json` into `dist-bench/`, then runs `bench/run.ts`).',
    '  Without `DATABASE_URL` the bench starts its own non-persistent embedded PostgreSQL in `.data/bench-pg` on a free port',
    '  and deletes it at the end. With `DATABASE_URL` it uses that database (it creates facilities there: use a throwaway',
    '  database) and creates `pgbench_bench` on the same server for the baseline.',
    `- Last updated: ${today()}`,
    '',
  ].join('\n');
}

/** Markdown table; the first row is the header. */
export function table(rows: (string | number)[][]): string {
  const [head, ...body] = rows.map((r) => r.map(String));
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** "2 × <CPU model>, 23.5 GiB RAM, Node v20.x, linux; load average …" */
export function machine(): string {
  const c = cpus();
  const load = LOAD_AT_START.map((l) => l.toFixed(2)).join(' / ');
  return `${c.length} × ${c[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}; load average ${load} (1/5/15 min) when the bench started`;
}

/** Replaces (or appends) the `## name` section of docs/benchmarks.md, up to the next `## ` heading. */
export function writeDocsSection(name: string, body: string): void {
  mkdirSync(dirname(DOCS_FILE), { recursive: true });
  let doc = existsSync(DOCS_FILE) ? readFileSync(DOCS_FILE, 'utf8') : header();
  doc = doc.replace(/^- Last updated: .*$/m, `- Last updated: ${today()}`);
  const section = `## ${name}\n\n${body.trim()}\n`;
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${name}`);
  if (start < 0) {
    doc = `${doc.replace(/\s*$/, '')}\n\n${section}`;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end < 0) end = lines.length;
    const after = lines.slice(end).join('\n');
    doc = `${lines.slice(0, start).join('\n').replace(/\s*$/, '')}\n\n${section}${after ? `\n${after}` : ''}`;
  }
  writeFileSync(DOCS_FILE, doc.endsWith('\n') ? doc : `${doc}\n`);
}
