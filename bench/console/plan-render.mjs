// Bench (never part of the test suite): how the plan page copes with a 1,000-VM plan in Debian's Chromium,
// side by side with a 10-VM plan in the same run (the ratio says how the page scales; no peer console runs
// here: MTV's is an OpenShift console plugin). The built console is served from
// console/target/classes/hoist-console by a small HTTP server that also answers the API: a plan list, and a
// watch stream held open that pushes a MODIFIED event with every VM's progress changed, as a running plan does.
// Measured, median of ROUNDS page loads: first render (navigation to the first VM row shown), a live update of
// every VM (event sent to the first and the 50th row showing it), search to the last VM, switch to the YAML tab.
// Run: node bench/console/plan-render.mjs [VMS] [ROUNDS]   (after `mvn -pl console package` or `npm run build`)
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('../../console/', import.meta.url).pathname;
const { chromium } = createRequire(join(root, 'package.json'))('playwright-core');
const files = join(root, 'target/classes/hoist-console');
const N = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 3);
const BASELINE = 10;
const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };
if (!existsSync(join(files, 'index.html'))) throw new Error(`no console build in ${files}: run npm run build in console/`);

const name = (i) => `vm-${String(i).padStart(4, '0')}`;
/** A running plan of n VMs; in round 1 every VM's disk transfer has completed (2 of 4 steps done). */
function plan(n, round) {
  const vms = Array.from({ length: n }, (_, i) => ({
    id: `vm-${i}`, name: name(i), phase: round ? 'ConvertImage' : 'CopyDisks', started: new Date(0).toISOString(),
    pipeline: ['Initialize', 'DiskTransfer', 'ImageConversion', 'VirtualMachineCreation'].map((s, j) => ({
      name: s, phase: j < 1 + round ? 'Completed' : j === 1 + round ? 'Running' : 'Pending',
      progress: { completed: j === 1 ? (round ? 1000 : (37 + i) % 1000) : 0, total: 1000 },
      annotations: j === 1 && !round ? { 'hoist.io/rate-mibps': '42.0', 'hoist.io/eta-seconds': '60' } : {},
    })),
  }));
  return { apiVersion: 'forklift.konveyor.io/v1beta1', kind: 'Plan',
    metadata: { name: 'big', namespace: 'bench', uid: 'u1', resourceVersion: String(10 + round) },
    spec: { vms: vms.map((v) => ({ id: v.id })), provider: { source: { name: 's' }, destination: { name: 'd' } } },
    status: { conditions: [{ type: 'Executing', status: 'True' }], migration: { started: new Date(0).toISOString(), vms } } };
}

let current = { n: 0, watchers: [] };
const server = createServer((req, res) => {
  const [path, query = ''] = req.url.split('?');
  if (path === '/console/auth/session') return json(res, { csrfToken: 'bench' });
  if (path.startsWith('/apis/') || path.startsWith('/api/')) {
    const plans = path.endsWith('/plans');
    if (query.includes('watch=true')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (plans) {
        res.write(JSON.stringify({ type: 'ADDED', object: plan(current.n, 0) }) + '\n');
        current.watchers.push(res);
      }
      return; // held open, as the API's watch is
    }
    return json(res, { items: plans ? [plan(current.n, 0)] : [], metadata: { resourceVersion: '10' } });
  }
  let p = path.replace(/^\/console\/?/, '') || 'index.html';
  if (!existsSync(join(files, p)) || !extname(p)) p = 'index.html';
  res.setHeader('Content-Type', types[extname(p)] ?? 'application/octet-stream');
  res.end(readFileSync(join(files, p)));
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${server.address().port}`;

function json(res, body) {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const browser = await chromium.launch({ executablePath: process.env.HOIST_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

async function once(n) {
  current = { n, watchers: [] };
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const t = {};
  let t0 = Date.now();
  await page.goto(`${base}/console/plans/bench/big`);
  await page.locator(`[data-vm="${name(0)}"]`).waitFor({ timeout: 300_000 });
  t.render = Date.now() - t0;
  // every VM changes at once: one MODIFIED event on the open watch
  const lastOnPage = name(Math.min(n, 50) - 1);
  t0 = Date.now();
  for (const w of current.watchers) w.write(JSON.stringify({ type: 'MODIFIED', object: plan(n, 1) }) + '\n');
  await page.locator(`[data-vm="${name(0)}"]`, { hasText: '2/4 steps' }).waitFor({ timeout: 300_000 });
  await page.locator(`[data-vm="${lastOnPage}"]`, { hasText: '2/4 steps' }).waitFor({ timeout: 300_000 });
  t.update = Date.now() - t0;
  t0 = Date.now();
  await page.getByLabel('Search VMs').fill(name(n - 1));
  await page.locator(`[data-vm="${name(n - 1)}"]`).waitFor({ timeout: 300_000 });
  t.search = Date.now() - t0;
  t0 = Date.now();
  await page.getByRole('tab', { name: 'YAML' }).click();
  await page.getByRole('tabpanel', { name: 'YAML' }).locator('.pf-v6-c-code-block, .hoist-loading').first().waitFor({ timeout: 300_000 });
  t.yamlTab = Date.now() - t0;
  // the YAML is written by a worker: meanwhile the page answers, e.g. a switch back to the VM list
  const t3 = Date.now();
  await page.getByRole('tab', { name: 'Virtual machines' }).click();
  await page.locator(`[data-vm="${name(n - 1)}"]`).waitFor({ timeout: 300_000 });
  t.back = Date.now() - t3;
  await page.getByRole('tab', { name: 'YAML' }).click();
  await page.getByText('kind: Plan').waitFor({ timeout: 300_000 });
  t.yaml = Date.now() - t0;
  for (const w of current.watchers) w.end();
  await context.close();
  return t;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (const n of [BASELINE, N]) {
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await once(n));
  results[n] = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((x) => x[k]))]));
}
await browser.close();
server.close();

const label = { render: 'first render', update: 'live update of every VM', search: 'search to the last VM',
  yamlTab: 'YAML tab shown', back: 'back to the VM list', yaml: 'YAML written (worker)' };
console.log(`plan page in Chromium, median of ${ROUNDS} (ms):`);
console.log(`${'measure'.padEnd(26)}${String(BASELINE + ' VMs').padStart(10)}${String(N + ' VMs').padStart(12)}   ratio`);
for (const k of Object.keys(label)) {
  const a = results[BASELINE][k];
  const b = results[N][k];
  console.log(`${label[k].padEnd(26)}${String(a).padStart(10)}${String(b).padStart(12)}   ${(b / Math.max(a, 1)).toFixed(1)}x`);
}
console.log(`rerun: node bench/console/plan-render.mjs ${N} ${ROUNDS}`);
