// P2P preheat in real headless Chromium (started by dev.berth.portal.PortalPreheatEndToEndTest,
// which pushes PROJECT/app:v1 first): the administrator adds a Kraken instance on the
// Distributions page (the connection test reaches the stand-in below), then a manual policy on the
// project's P2P Preheat tab, runs it, and reads the execution, its task and the task log; the
// stand-in must have been told to preheat exactly PROJECT/app:v1.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.BERTH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const ADMIN_PASSWORD = process.env.BERTH_ADMIN_PASSWORD;
const PROJECT = process.env.PROJECT;
const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? 'target/e2e-screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WAIT = { timeout: 30_000 };
if (!ADMIN_PASSWORD || !PROJECT) {
  console.error('BERTH_ADMIN_PASSWORD and PROJECT are required');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });
const run = Math.random().toString(36).slice(2, 8);
const INSTANCE = `kraken-${run}`;
const POLICY = `warm-${run}`;

// A Kraken proxy as Harbor's driver calls it: GET /health, POST /registry/notifications.
const calls = [];
const kraken = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    calls.push({ method: req.method, path: req.url, body });
    res.writeHead(req.url === '/health' || req.url === '/registry/notifications' ? 200 : 404).end();
  });
});
await new Promise((done) => kraken.listen(0, '127.0.0.1', done));
const KRAKEN_URL = `http://127.0.0.1:${kraken.address().port}`;

const results = [];
let page;
async function step(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split('\n').join('\n  ')}`);
    await page.screenshot({ path: join(SHOTS, `preheat-failure-${results.length}.png`) }).catch(() => {});
    throw e;
  }
}
const nav = () => page.getByRole('navigation', { name: 'Main navigation' });
const ADMIN = 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64');
async function apiGet(path) {
  const res = await fetch(BASE + '/api/v2.0' + path, { headers: { Authorization: ADMIN } });
  assert.equal(res.status, 200, `GET ${path} answered ${res.status}`);
  return res.json();
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();

  await step('the administrator adds a Kraken instance after testing the connection', async () => {
    await page.goto(BASE + '/projects');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor(WAIT);
    await nav().getByRole('link', { name: 'Distributions' }).click();
    await page.getByRole('heading', { name: 'Distributions', exact: true }).waitFor(WAIT);
    await page.getByRole('button', { name: 'New instance' }).click();
    const dialog = page.getByRole('dialog', { name: 'New instance' });
    await dialog.getByLabel('Provider').selectOption('kraken');
    await dialog.getByLabel('Name').fill(INSTANCE);
    await dialog.getByLabel('Endpoint').fill(KRAKEN_URL);
    assert.equal(await dialog.getByLabel('Auth mode').inputValue(), 'NONE');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.getByText('The provider answered: healthy.').waitFor(WAIT);
    assert.ok(calls.some((c) => c.method === 'GET' && c.path === '/health'), 'the connection test reached the stand-in');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: INSTANCE, exact: true }).waitFor(WAIT);
    await page.getByRole('button', { name: `Test instance ${INSTANCE}` }).click();
    await page.getByText(`Instance ${INSTANCE} is healthy.`).waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'preheat-distributions.png') });
  });

  await step('a manual policy on the project’s P2P Preheat tab preheats the pushed image', async () => {
    const project = await apiGet(`/projects/${PROJECT}`);
    await page.goto(`${BASE}/projects/${project.project_id}/preheat`);
    await page.getByRole('button', { name: 'New policy' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'New policy' }).click();
    const dialog = page.getByRole('dialog', { name: 'New policy' });
    const instance = (await apiGet(`/p2p/preheat/instances/${INSTANCE}`)).id;
    await dialog.getByLabel('Provider').selectOption(String(instance));
    await dialog.getByLabel('Name').fill(POLICY);
    await dialog.getByLabel('Repositories').fill('app');
    await dialog.getByLabel('Tags').fill('v*');
    assert.equal(await dialog.getByLabel('Trigger').inputValue(), 'manual');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: POLICY, exact: true }).waitFor(WAIT);
    await page.getByRole('button', { name: `Run policy ${POLICY}` }).click();
    await page.getByText(`Preheat of ${POLICY} started.`).waitFor(WAIT);
    // The execution ends once the stand-in has been told; read it when it has.
    for (let i = 0; i < 600 && !calls.some((c) => c.path === '/registry/notifications'); i++) await new Promise((r) => setTimeout(r, 100));
    const notes = calls.filter((c) => c.path === '/registry/notifications');
    assert.equal(notes.length, 1, 'one notification');
    const target = JSON.parse(notes[0].body).events[0].target;
    assert.equal(target.repository, `${PROJECT}/app`);
    assert.equal(target.tag, 'v1');
    let done = false;
    for (let i = 0; i < 60 && !done; i++) {
      await page.getByRole('button', { name: `Executions of ${POLICY}` }).click();
      const executions = page.getByRole('dialog', { name: `Executions of ${POLICY}` });
      await executions.getByRole('row').nth(1).waitFor(WAIT);
      done = (await executions.getByText('Success', { exact: true }).count()) > 0;
      if (!done) {
        await executions.getByRole('button', { name: 'Close' }).first().click();
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    assert.ok(done, 'the execution succeeded');
    const executions = page.getByRole('dialog', { name: `Executions of ${POLICY}` });
    await executions.getByRole('button', { name: /^Tasks of execution / }).first().click();
    await executions.getByText(`${PROJECT}/app:v1`).waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'preheat-executions.png') });
    await executions.getByRole('button', { name: /^Log of task / }).first().click();
    await page.getByText('Preheating is completed').waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'preheat-log.png') });
  });
} catch {
  failed = true;
} finally {
  await browser.close();
  kraken.close();
}
const passed = results.filter((r) => r).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(failed ? 1 : 0);
