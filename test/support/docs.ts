/** Reading our Markdown and sources for the documentation checks (test/architecture/docs.spec.ts, test/e2e/docs-api.spec.ts). */

/** The text with code blocks and inline code blanked (line breaks kept, so positions still give line numbers). */
function withoutCode(markdown: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank).replace(/`[^`]*`/g, blank);
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Every link and image target of a Markdown file: `[text](target)`, `![alt](target)`, `<img src>`, `<a href>`. */
export function linksOf(markdown: string): { target: string; line: number }[] {
  const text = withoutCode(markdown);
  const found = [
    ...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g),
    ...text.matchAll(/<(?:img|a)\b[^>]*?\s(?:src|href)="([^"]+)"/g),
  ];
  return found.map((m) => ({ target: m[1], line: lineAt(text, m.index) })).sort((a, b) => a.line - b.line);
}

/** GitHub's anchor for a heading (github-slugger's rule): the rendered text in lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown file's headings; a repeated heading gets -1, -2… as on GitHub. */
export function headingAnchors(markdown: string): Set<string> {
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const anchors = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const base = slug(m[1]);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

const NAME = '([A-Z][A-Z0-9_]*)';

/** The environment variables a source file reads: `process.env.X`, `env.X`, `env['X']`, and `helper(env, 'X', …)`. */
export function variablesReadBy(source: string): Set<string> {
  const patterns = [
    new RegExp(`\\b(?:process\\.)?env\\.${NAME}\\b`, 'g'),
    new RegExp(`\\b(?:process\\.)?env\\[\\s*['"]${NAME}['"]\\s*\\]`, 'g'),
    new RegExp(`\\w\\(\\s*env\\s*,\\s*['"]${NAME}['"]`, 'g'),
  ];
  return new Set(patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1])));
}

/**
 * The variables docs/configuration.md documents for the service: the `NAME`s in the first cell of its tables'
 * rows, except under a heading that says "Deploy only" (compose's and Node's own variables, which src/ never reads).
 */
export function documentedVariables(markdown: string): Set<string> {
  const names = new Set<string>();
  let deployOnly = false;
  for (const line of markdown.split('\n')) {
    if (/^#{1,6} /.test(line)) deployOnly = /deploy only/i.test(line);
    if (deployOnly || !line.startsWith('|')) continue;
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1]);
  }
  return names;
}

/** "GET /api/v1/facilities/{id}" and "GET /api/v1/facilities/:id" alike: every path parameter as ":". */
export function routeKey(method: string, path: string): string {
  const normal = path
    .replace(/\{[^}/]+\}|:[A-Za-z_]\w*/g, ':')
    .replace(/\/+$/, '')
    .replace(/^$/, '/');
  return `${method.toUpperCase()} ${normal}`;
}

/** The routes a Markdown file names as "METHOD /path" (a query string or punctuation ends the path). */
export function routesNamedIn(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/[^\s`|,;)?·"']*)/g)].map((m) => routeKey(m[1], m[2])));
}
