// Pages benchmark (not a test): the manager's bed board in a real Chromium against a running
// service with the demo network (npm start). Measures what a phone downloads on a first visit
// (compressed bytes on the wire, cold cache) and how long a saved change takes to show on the page.
//   PORT=3101 EMBEDDED_PG_PORT=54401 npm start      # in another terminal
//   node bench/pages.mjs http://localhost:3101 [rounds]
// Chromium: CHROMIUM_PATH or `chromium` on PATH (apt-get install chromium).
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://localhost:3000';
const rounds = Number(process.argv[3] ?? 30);
const executablePath = process.env.CHROMIUM_PATH ?? execSync('command -v chromium', { encoding: 'utf8' }).trim();

const dir = mkdtempSync(join(tmpdir(), 'approdo-bench-'));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
  env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'x'), XDG_CACHE_HOME: join(dir, 'x') },
  viewport: { width: 390, height: 844 },
});
try {
  const page = await ctx.newPage();
  // signed in as a person is: the embedded provider's login page, the demo manager's one-tap button
  await page.goto(`${base}/auth/login?returnTo=${encodeURIComponent('/#/beds')}`);
  await page.click('[data-user="manager-liguria"]');
  await page.locator('[data-facility] [data-act="save"]').first().waitFor();
  // a first visit: nothing cached but the session cookie
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await page.goto('about:blank');
  const responses = [];
  page.on('response', (r) => responses.push(r));
  const started = Date.now();
  await page.goto(`${base}/#/beds`);
  await page.locator('[data-facility] [data-act="save"]').first().waitFor();
  await page.locator('.inbox h2').waitFor();
  const loadMs = Date.now() - started;
  let wire = 0;
  let body = 0;
  const rows = [];
  for (const r of responses) {
    const s = await r.request().sizes();
    wire += s.responseBodySize + s.responseHeadersSize;
    const raw = (await r.body().catch(() => Buffer.alloc(0))).length;
    body += raw;
    rows.push(`${new URL(r.url()).pathname.padEnd(48)} ${String(s.responseBodySize).padStart(7)} B on the wire (${raw} B decoded)`);
  }
  process.stdout.write(
    `first load of the bed board: ${responses.length} responses, ${(wire / 1024).toFixed(1)} KB on the wire (headers included), ${(body / 1024).toFixed(1)} KB decoded, ready in ${loadMs} ms\n${rows.join('\n')}\n`,
  );

  // a saved change, visible: from the tap on "save" to the page showing the saved numbers
  // the casa di fuga's mother-child unit: out of service and back, 1 and 0
  const card = page
    .locator('[data-facility]')
    .filter({ has: page.locator('[data-kind="mother_child"]') })
    .first();
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const step = i % 2 === 0 ? 'inc' : 'dec';
    await card.locator(`[data-kind="mother_child"] [data-field="outOfService"] [data-act="${step}"]`).first().click();
    const t0 = performance.now();
    await card.locator('[data-act="save"]').click();
    await card.locator('.notice-ok').waitFor();
    times.push(performance.now() - t0);
    await card.locator('.msg').evaluate((el) => el.replaceChildren());
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(0);
  process.stdout.write(`save → visible over ${rounds} saves: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${times.at(-1).toFixed(0)} ms\n`);
} finally {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}
