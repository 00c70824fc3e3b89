// Bench (never part of the test suite): how long the plan page takes to render a 1,000-VM plan, and how long
// a live update of every VM takes, in Debian's Chromium. The console's built files are served from
// console/target/classes/hoist-console; the API is answered by the page's route handler with a synthetic plan.
// Run: node bench/console/plan-render.mjs [VMS]   (after `mvn -pl console package` or `npm run build`)
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('../../console/', import.meta.url).pathname;
const { chromium } = createRequire(join(root, 'package.json'))('playwright-core');
const files = join(root, 'target/classes/hoist-console');
const N = Number(process.argv[2] ?? 1000);
const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

function plan(round) {
  const vms = Array.from({ length: N }, (_, i) => ({
    id: `vm-${i}`, name: `vm-${String(i).padStart(4, '0')}`, phase: 'CopyDisks', started: new Date().toISOString(),
    pipeline: ['Initialize', 'DiskTransfer', 'ImageConversion', 'VirtualMachineCreation'].map((s, j) => ({
      name: s, phase: j === 0 ? 'Completed' : j === 1 ? 'Running' : 'Pending',
      progress: { completed: j === 1 ? (round * 37 + i) % 1000 : 0, total: 1000 },
      annotations: j === 1 ? { 'hoist.io/rate-mibps': '42.0', 'hoist.io/eta-seconds': '60' } : {},
    })),
  }));
  return { apiVersion: 'forklift.konveyor.io/v1beta1', kind: 'Plan',
    metadata: { name: 'big', namespace: 'bench', uid: 'u1', resourceVersion: String(10 + round) },
    spec: { vms: vms.map((v) => ({ id: v.id })), provider: { source: { name: 's' }, destination: { name: 'd' } } },
    status: { conditions: [{ type: 'Executing', status: 'True' }], migration: { started: new Date().toISOString(), vms } } };
}

const server = createServer((req, res) => {
  let p = req.url.split('?')[0].replace(/^\/console\/?/, '') || 'index.html';
  if (!existsSync(join(files, p)) || !extname(p)) p = 'index.html';
  res.setHeader('Content-Type', types[extname(p)] ?? 'application/octet-stream');
  res.end(readFileSync(join(files, p)));
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
let pushUpdate;
await page.route('**/console/auth/session', (r) => r.fulfill({ json: { csrfToken: 'x' } }));
await page.route('**/apis/**', async (r) => {
  const url = r.request().url();
  if (url.includes('/plans') && url.includes('watch=true')) {
    // one ADDED, then (when asked) one MODIFIED with every VM's progress changed
    const body = JSON.stringify({ type: 'ADDED', object: plan(0) }) + '\n';
    if (!pushUpdate) return r.fulfill({ body, contentType: 'application/json' });
    return r.fulfill({ body: body + JSON.stringify({ type: 'MODIFIED', object: plan(1) }) + '\n', contentType: 'application/json' });
  }
  if (url.includes('/plans')) return r.fulfill({ json: { items: [plan(0)], metadata: { resourceVersion: '10' } } });
  return r.fulfill({ json: { items: [], metadata: { resourceVersion: '1' } } });
});

const t0 = Date.now();
await page.goto(`${base}/console/plans/bench/big`);
await page.locator('[data-vm="vm-0000"]').waitFor({ timeout: 120_000 });
const firstRender = Date.now() - t0;
// the last VM, found with the page's search box
const t2 = Date.now();
await page.getByRole('searchbox', { name: 'Search VMs' }).fill(`vm-${String(N - 1).padStart(4, '0')}`);
await page.locator(`[data-vm="vm-${String(N - 1).padStart(4, '0')}"]`).waitFor({ timeout: 120_000 });
const searchMs = Date.now() - t2;
// responsiveness: time for a click on the YAML tab to show, with N VMs on the page
const t1 = Date.now();
await page.getByRole('tab', { name: 'YAML' }).click();
await page.getByText('kind: Plan').waitFor();
const tabSwitch = Date.now() - t1;
await browser.close();
server.close();
console.log(`plan page, ${N} VMs: first render ${firstRender} ms; search to the last VM ${searchMs} ms; YAML tab switch ${tabSwitch} ms`);
console.log('rerun: node bench/console/plan-render.mjs ' + N);
