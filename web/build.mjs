// Builds the pages (web/) into dist/web: one ES module entry, pages split into chunks loaded on
// demand, a stylesheet, hashed names (cached for good), each asset pre-compressed (br, gzip), and
// index.html pointing at the hashed names. No inline script or style: the CSP forbids them.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? 'dist/web');
// the last build's files go; `messages` stays: tsc emits web/messages/*.json there for the server,
// whose spreadsheets for people use the pages' words (src/reports/office-export.ts)
mkdirSync(out, { recursive: true });
for (const name of readdirSync(out)) if (name !== 'messages') rmSync(join(out, name), { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: { app: join(here, 'src/main.ts'), style: join(here, 'styles/app.css') },
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: ['es2022', 'chrome109', 'firefox115', 'safari15'],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const entry = (name) => basename(outputs.find(([, o]) => o.entryPoint && o.entryPoint.endsWith(name))[0]);
const js = entry('src/main.ts');
const css = basename(outputs.find(([file]) => file.endsWith('.css'))[0]);
writeFileSync(join(out, 'index.html'), readFileSync(join(here, 'index.html'), 'utf8').replace('{{js}}', js).replace('{{css}}', css));

// installable and offline (issue 22): the manifest, the icons, and a service worker that keeps this
// build's shell; its cache name is a hash of the shell, so a new build replaces the old one
mkdirSync(join(out, 'icons'));
for (const file of readdirSync(join(here, 'icons'))) copyFileSync(join(here, 'icons', file), join(out, 'icons', file));
copyFileSync(join(here, 'manifest.webmanifest'), join(out, 'manifest.webmanifest'));
const shell = [
  '/',
  '/manifest.webmanifest',
  ...readdirSync(join(out, 'icons')).map((f) => `/icons/${f}`),
  ...readdirSync(join(out, 'assets')).map((f) => `/assets/${f}`),
].sort();
const digest = createHash('sha256');
for (const url of shell) digest.update(url === '/' ? readFileSync(join(out, 'index.html')) : url);
await build({
  entryPoints: [join(here, 'src/live/sw.ts')],
  bundle: true,
  format: 'iife',
  minify: true,
  target: ['es2022', 'chrome109', 'firefox115', 'safari15'],
  outfile: join(out, 'sw.js'),
  define: { __PRECACHE__: JSON.stringify(shell), __BUILD__: JSON.stringify(digest.digest('hex').slice(0, 16)) },
  legalComments: 'none',
  logLevel: 'warning',
});

for (const file of readdirSync(join(out, 'assets'))) {
  const path = join(out, 'assets', file);
  const data = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
}
process.stdout.write(`pages built into ${out} (${js}, ${css})\n`);
