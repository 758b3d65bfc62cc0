// End-to-end tests of the portal in real headless Chromium against a running Berth.
//
//   BERTH_URL=http://127.0.0.1:8080 BERTH_ADMIN_PASSWORD=... node e2e/run.mjs
//
// Optional: CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (default target/e2e-screenshots).
// Pushes an image with skopeo, so skopeo must be installed. Exits non-zero when a step fails.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { helmChart, writeImageLayout, writeIndexLayout } from './oci.mjs';

const BASE = (process.env.BERTH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const ADMIN_PASSWORD = process.env.BERTH_ADMIN_PASSWORD;
const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? 'target/e2e-screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WAIT = { timeout: 20_000 };
if (!ADMIN_PASSWORD) {
  console.error('BERTH_ADMIN_PASSWORD is required');
  process.exit(2);
}
const HOST = new URL(BASE).host;
const run = Math.random().toString(36).slice(2, 8);
const PROJECT = `e2e-${run}`;
const MEMBER = `dev-${run}`;
const GUEST = `guest-${run}`;
const GROUP = `devs-${run}`;
const RENAMED_GROUP = `builders-${run}`;
const USER_PASSWORD = 'E2e-Pass-2026';
const DESCRIPTION = 'The e2e image.\n<b>shown as text</b>\n\n**Markdown** is rendered.';
mkdirSync(SHOTS, { recursive: true });

// ---------------------------------------------------------------- helpers

const basic = (user, password) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
const ADMIN = basic('admin', ADMIN_PASSWORD);

async function http(method, path, body, auth = ADMIN) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function apiOk(method, path, body) {
  const r = await http(method, path, body);
  assert.ok(r.status < 300, `${method} ${path} answered ${r.status}: ${r.text}`);
  return r;
}

function skopeoPush(layout, ref, all = false) {
  const work = mkdtempSync(join(tmpdir(), 'berth-e2e-skopeo-'));
  const policy = join(work, 'policy.json');
  const registries = join(work, 'registries.conf');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  writeFileSync(registries, 'unqualified-search-registries = []\n');
  try {
    execFileSync(
      'skopeo',
      ['--policy', policy, 'copy', '-q', ...(all ? ['--all'] : []), '--dest-tls-verify=false', '--dest-creds', `admin:${ADMIN_PASSWORD}`, `oci:${layout}:latest`, `docker://${ref}`],
      { env: { ...process.env, TMPDIR: work, REGISTRIES_CONFIG_PATH: registries, REGISTRY_AUTH_FILE: join(work, 'auth.json') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Pushes blobs and a manifest over the registry API, as helm and oras do. */
async function ociPush(repo, tag, { blobs, manifest }) {
  for (const blob of blobs) {
    const started = await fetch(`${BASE}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { Authorization: ADMIN } });
    assert.equal(started.status, 202, `upload start answered ${started.status}`);
    const location = new URL(started.headers.get('location'), BASE);
    location.searchParams.set('digest', blob.digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { Authorization: ADMIN, 'Content-Type': 'application/octet-stream' },
      body: blob.bytes,
    });
    assert.equal(put.status, 201, `blob upload answered ${put.status}: ${await put.text()}`);
  }
  const put = await fetch(`${BASE}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { Authorization: ADMIN, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  assert.equal(put.status, 201, `manifest push answered ${put.status}: ${await put.text()}`);
}

const results = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split('\n').join('\n  ')}`);
    await shot(`failure-${results.length}`, true).catch(() => {});
    throw e;
  }
}

let page;
const problems = [];
async function shot(name, withNotifications = false) {
  // notifications come and go: dismissed so the pictures show the page itself (kept on failures)
  if (!withNotifications) {
    // always the first one (the others move up); a short timeout, as one may expire by itself meanwhile
    const dismiss = page.locator('.toasts button.close'); // in any language
    for (let i = 0; i < 10 && (await dismiss.count()) > 0; i++) await dismiss.first().click({ timeout: 1000 }).catch(() => {});
  }
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}
const tab = (name) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });
const heading = (text) => page.getByRole('heading', { name: text, exact: true });

async function signIn(user, password) {
  await page.goto(BASE + '/projects');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading('Projects').waitFor(WAIT);
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
  await page.getByText('You have signed out.').waitFor(WAIT);
  assert.equal(await page.locator('.toasts .toast').count(), 0, 'no notification of the signed-out user is left');
}

/** Waits until the list shows rows and every one of them contains the text (the server's filter applied). */
async function everyRowContains(text) {
  await page.waitForFunction(
    (t) => {
      const rows = [...document.querySelectorAll('tbody tr')];
      return rows.length > 0 && rows.every((r) => r.textContent.includes(t));
    },
    text,
    WAIT,
  );
}

async function confirm(label) {
  const dialog = page.getByRole('dialog', { name: 'Please confirm' });
  await dialog.waitFor(WAIT);
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await dialog.waitFor({ state: 'detached', ...WAIT });
}

/** Waits until the progress line `testId` names a run other than `previous` that has ended; asserts it succeeded, returns its id. */
async function runEnded(testId, previous) {
  const handle = await page.waitForFunction(
    ([id, prev]) => {
      const m = /Run (\d+): (\w+)/.exec(document.querySelector(`[data-testid=${id}]`)?.textContent ?? '');
      return m && m[1] !== prev && ['Success', 'Error', 'Stopped'].includes(m[2]) ? `${m[1]}:${m[2]}` : null;
    },
    [testId, previous],
    { timeout: 120_000 },
  );
  const [id, status] = (await handle.jsonValue()).split(':');
  assert.equal(status, 'Success', `${testId} run ${id}`);
  return id;
}

// ---------------------------------------------------------------- the run

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  let digest;
  let robotSecret;

  await step('setup: two users through the API', async () => {
    for (const u of [MEMBER, GUEST]) {
      await apiOk('POST', '/api/v2.0/users', { username: u, email: `${u}@example.com`, realname: u, password: USER_PASSWORD });
    }
  });

  await step('the login page asks for credentials and refuses wrong ones with the API message', async () => {
    await page.goto(BASE + '/');
    await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor(WAIT);
    // keyboard: the username field has the focus, Tab moves to the password
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'principal');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'password');
    await shot('login');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('Wrong-Password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid username or password' }).waitFor(WAIT);
  });

  await step('admin signs in and sees the projects list', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.getByLabel('Filter projects by name').fill('librar');
    await page.getByRole('link', { name: 'library' }).waitFor(WAIT);
    assert.ok(await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' }).isVisible());
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k !== 'berth.locale').length), 0, 'nothing but the language in localStorage');
  });

  await step('creates a private project from the portal', async () => {
    await page.getByRole('button', { name: 'New project' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Project name').fill(PROJECT);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await heading(PROJECT).waitFor(WAIT);
    await page.getByText('No repositories yet').waitFor(WAIT);
    const p = (await apiOk('GET', `/api/v2.0/projects?name=${PROJECT}`)).json();
    assert.equal(p[0].name, PROJECT);
    assert.equal(p[0].metadata.public, 'false');
  });

  await step('an image pushed with skopeo shows in the repository view with its tags and size', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-e2e-image-'));
    const image = writeImageLayout(work);
    digest = image.digest;
    skopeoPush(image.layout, `${HOST}/${PROJECT}/app:v1`);
    skopeoPush(image.layout, `${HOST}/${PROJECT}/app:v2`);
    rmSync(work, { recursive: true, force: true });

    await page.reload();
    await page.getByRole('link', { name: `${PROJECT}/app` }).click();
    await heading(`${PROJECT}/app`).waitFor(WAIT);
    const row = page.locator('tbody tr').filter({ hasText: digest.slice(0, 19) });
    await row.waitFor(WAIT);
    await row.getByText('v1', { exact: true }).waitFor(WAIT);
    await row.getByText('v2', { exact: true }).waitFor(WAIT);
    const artifact = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/app/artifacts/${digest}`)).json();
    const kib = artifact.size / 1024;
    const shown = `${kib < 10 ? kib.toFixed(2) : kib.toFixed(1)} KiB`;
    await row.getByText(shown).waitFor(WAIT);
    await row.getByText('linux/amd64').waitFor(WAIT);
    // the repository's pull command names a tag that exists, the newest
    const registry = (await apiOk('GET', '/api/v2.0/systeminfo')).json().registry_url;
    assert.equal(await page.getByTestId('pull-command').locator('input').inputValue(), `podman pull ${registry}/${PROJECT}/app:v2`);
    await shot('artifacts');
  });

  await step("writes the repository's description, shown as plain text", async () => {
    await page.getByText('No description yet').waitFor(WAIT);
    await page.getByRole('button', { name: 'Edit description' }).click();
    await page.getByLabel('Description').fill(DESCRIPTION);
    await page.getByRole('button', { name: 'Save' }).click();
    const shown = page.getByTestId('repository-description');
    await shown.filter({ hasText: '<b>shown as text</b>' }).waitFor(WAIT);
    assert.equal(await shown.locator('b').count(), 0, 'HTML in the description stays text');
    assert.equal(await shown.locator('strong').textContent(), 'Markdown', 'Markdown is rendered');
    const repo = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/app`)).json();
    assert.equal(repo.description, DESCRIPTION);
  });

  await step('a multi-platform index shows its children per platform, each with its own page', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-e2e-index-'));
    const index = writeIndexLayout(work, ['amd64', 'arm64']);
    skopeoPush(index.layout, `${HOST}/${PROJECT}/multi:1`, true);
    rmSync(work, { recursive: true, force: true });
    const back = page.url();
    await page.goto(`${BASE}/projects/${await projectId()}/repositories/multi`);
    const row = page.locator('tbody tr').filter({ hasText: index.digest.slice(0, 19) });
    await row.getByRole('link', { name: 'linux/amd64' }).waitFor(WAIT);
    await row.getByRole('link', { name: 'linux/arm64' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
    await page.getByText(index.children[1], { exact: true }).waitFor(WAIT);
    await page.getByText('arm64', { exact: true }).waitFor(WAIT);
    // the child links back to its index, with the platform it is there
    await page.getByText('as linux/arm64').waitFor(WAIT);
    await page.locator('dl.kv').getByRole('link', { name: `1 (${index.digest.slice(0, 19)})` }).click();
    await page.getByRole('heading', { name: 'Images by platform' }).waitFor(WAIT);
    // reached straight, not from the index: found all the same
    await page.goto(`${BASE}/projects/${await projectId()}/repositories/multi/artifacts/${index.children[0]}`);
    await page.getByText('as linux/amd64').waitFor(WAIT);
    await page.goto(back);
  });

  await step('a Helm chart pushed as an OCI artifact shows its values, readme and dependencies', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-e2e-chart-'));
    const chart = helmChart(work, {
      name: 'webapp',
      version: '0.1.0',
      values: `replicaCount: 2\nimage: nginx-${run}\n`,
      readme: `# webapp\nThe e2e chart ${run}.\n`,
      dependency: `redis-${run}`,
    });
    rmSync(work, { recursive: true, force: true });
    await ociPush(`${PROJECT}/webapp`, '0.1.0', chart);
    const back = page.url();
    await page.goto(`${BASE}/projects/${await projectId()}/repositories/webapp/artifacts/0.1.0`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
    await page.getByText(chart.digest, { exact: true }).waitFor(WAIT);
    await page.getByRole('tab', { name: 'Values' }).click();
    await page.getByText(`image: nginx-${run}`).waitFor(WAIT);
    await page.getByRole('tab', { name: 'Readme' }).click();
    await page.getByText(`The e2e chart ${run}.`).waitFor(WAIT);
    await page.getByRole('tab', { name: 'Dependencies' }).click();
    await page.getByText(`redis-${run}`).waitFor(WAIT);
    await page.goto(back);
  });

  await step('the artifact page gives pull commands with the external URL and the build history', async () => {
    await page.locator('tbody tr').filter({ hasText: digest.slice(0, 19) }).getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
    const info = (await apiOk('GET', '/api/v2.0/systeminfo')).json();
    const docker = await page.getByLabel('docker pull').inputValue();
    // the newest tag (v2 was pushed after v1)
    assert.equal(docker, `docker pull ${info.registry_url}/${PROJECT}/app:v2`);
    assert.ok((await page.getByLabel('podman pull').inputValue()).startsWith(`podman pull ${info.registry_url}/`));
    await page.getByText('COPY data /data # berth e2e').waitFor(WAIT);
    await shot('artifact');
  });

  await step('deletes a tag after confirming, and the artifact keeps its other tag', async () => {
    await page.getByRole('button', { name: 'Delete tag v2' }).click();
    await confirm('Delete');
    await page.getByRole('button', { name: 'Delete tag v2' }).waitFor({ state: 'detached', ...WAIT });
    const tags = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/app/artifacts/${digest}/tags`)).json();
    assert.deepEqual(tags.map((t) => t.name), ['v1']);
  });

  await step('adds a tag from the artifact page', async () => {
    await page.getByRole('button', { name: 'Add tag' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add tag' });
    await dialog.getByLabel('Tag').fill('stable');
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('button', { name: 'Delete tag stable' }).waitFor(WAIT);
  });

  await step('creates a project label and puts it on the artifact', async () => {
    const artifactUrl = page.url();
    await page.goto(`${BASE}/projects/${await projectId()}/labels`);
    await page.getByRole('button', { name: 'New label' }).click();
    const dialog = page.getByRole('dialog', { name: 'New label' });
    await dialog.getByLabel('Name').fill('release');
    await dialog.getByLabel('Description').fill('shipped to production');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.locator('tbody tr').filter({ hasText: 'shipped to production' }).waitFor(WAIT);
    await page.goto(artifactUrl);
    await page.getByLabel('Choose a label').selectOption({ label: 'release (project)' });
    await page.getByRole('button', { name: 'Add label' }).click();
    await page.getByRole('button', { name: 'Remove label release' }).waitFor(WAIT);
    const a = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/app/artifacts/${digest}?with_label=true`)).json();
    assert.deepEqual(a.labels.map((l) => l.name), ['release']);
  });

  await step('labels, copies and deletes several artifacts at once', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-e2e-bulk-'));
    const digests = [];
    for (const [i, size] of [1024, 2048].entries()) {
      const image = writeImageLayout(join(work, String(i)), { sizeBytes: size });
      skopeoPush(image.layout, `${HOST}/${PROJECT}/bulk:b${i}`);
      digests.push(image.digest);
    }
    rmSync(work, { recursive: true, force: true });
    const back = page.url();
    await page.goto(`${BASE}/projects/${await projectId()}/repositories/bulk`);
    await page.locator('tbody tr').nth(1).waitFor(WAIT);
    await page.getByLabel('Select every row on this page').check();
    const bar = page.getByRole('region', { name: 'Actions on the selected rows' });
    await bar.getByText('2 selected').waitFor(WAIT);
    await bar.getByRole('button', { name: 'Add label' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add label' });
    await dialog.getByLabel('Choose a label').selectOption({ label: 'release (project)' });
    await dialog.getByRole('button', { name: 'Add label' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.getByText('Label added to 2 artifacts.').waitFor(WAIT);
    for (const d of digests) {
      const a = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/bulk/artifacts/${d}?with_label=true`)).json();
      assert.deepEqual(a.labels.map((l) => l.name), ['release']);
    }
    await page.getByLabel('Select every row on this page').check();
    await bar.getByRole('button', { name: 'Copy artifact' }).click();
    dialog = page.getByRole('dialog', { name: 'Copy artifact' });
    await dialog.getByLabel('Target project').selectOption(PROJECT);
    await dialog.getByLabel('Target repository').fill('bulk-copy');
    await shot('bulk-copy');
    await dialog.getByRole('button', { name: 'Copy artifact' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.getByText('2 artifacts copied.').waitFor(WAIT);
    const copied = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/bulk-copy/artifacts`)).json();
    assert.deepEqual(copied.map((a) => a.digest).sort(), [...digests].sort());
    await page.getByLabel('Select every row on this page').check();
    await bar.getByRole('button', { name: 'Delete' }).click();
    await confirm('Delete');
    await page.getByText('2 artifacts deleted.').waitFor(WAIT);
    await page.getByText('No artifacts in this repository.').waitFor(WAIT);
    assert.equal((await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/bulk/artifacts`)).json().length, 0);
    await page.goto(back);
  });

  await step('an immutability rule protects a tag, and the refusal shows the API message', async () => {
    const artifactUrl = page.url();
    await page.goto(`${BASE}/projects/${await projectId()}/immutability`);
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New rule' });
    await dialog.getByLabel('Tag pattern').fill('v1');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.locator('tbody tr').filter({ hasText: 'matching v1' }).waitFor(WAIT);
    await page.goto(artifactUrl);
    await page.getByRole('button', { name: 'Delete tag v1' }).click();
    await confirm('Delete');
    await page.getByRole('alert').filter({ hasText: 'immutable' }).waitFor(WAIT);
    const tags = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/app/artifacts/${digest}/tags`)).json();
    assert.ok(tags.some((t) => t.name === 'v1'), 'the immutable tag is still there');
  });

  await step('the projects list sorts by repository count and by storage used, on the server', async () => {
    await page.goto(`${BASE}/projects`);
    await page.getByRole('link', { name: PROJECT }).waitFor(WAIT);
    const firstRow = () => page.locator('tbody tr').first().getByRole('link').first().textContent();
    const sortBy = (name) => page.locator('th button.sort').filter({ hasText: name });
    await sortBy('Repositories').click();
    await page.locator('th[aria-sort="ascending"]').filter({ hasText: 'Repositories' }).waitFor(WAIT);
    await sortBy('Repositories').click();
    await page.locator('th[aria-sort="descending"]').filter({ hasText: 'Repositories' }).waitFor(WAIT);
    await page.waitForFunction((p) => document.querySelector('tbody tr a')?.textContent === p, PROJECT, WAIT);
    await sortBy('Storage').click();
    await page.locator('th[aria-sort="ascending"]').filter({ hasText: 'Storage' }).waitFor(WAIT);
    await page.waitForFunction((p) => document.querySelector('tbody tr a')?.textContent !== p, PROJECT, WAIT);
    assert.notEqual(await firstRow(), PROJECT, 'the emptiest project first');
  });

  await step('the project summary shows quota use, members by role and recent repositories', async () => {
    await page.goto(`${BASE}/projects/${await projectId()}`);
    const summary = page.getByTestId('project-summary');
    await summary.getByRole('link', { name: `${PROJECT}/app` }).waitFor(WAIT);
    assert.equal(await tab('Summary').getAttribute('aria-current'), 'page');
    const s = (await apiOk('GET', `/api/v2.0/projects/${await projectId()}/summary`)).json();
    await summary.getByText(`Members (${s.project_admin_count + s.developer_count + s.guest_count + s.maintainer_count + s.limited_guest_count})`).waitFor(WAIT);
    await summary.locator('dd').filter({ hasText: new RegExp(`^${s.repo_count}$`) }).first().waitFor(WAIT);
    await summary.getByRole('heading', { name: 'Storage quota' }).waitFor(WAIT);
    await summary.getByText(/\(no limit\)/).first().waitFor(WAIT); // the project was created without a limit
    await shot('summary');
  });

  await step('a webhook created in the portal delivers a push to a receiver, and its delivery shows with the log', async () => {
    // a receiver on 127.0.0.1 (the test's Berth allows that network for outbound calls)
    const received = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(200).end();
      });
    });
    await new Promise((done) => receiver.listen(0, '127.0.0.1', done));
    try {
      const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;
      await page.goto(`${BASE}/projects/${await projectId()}/webhooks`);
      await page.getByText('No webhooks').waitFor(WAIT);
      await page.getByRole('button', { name: 'New webhook' }).click();
      const dialog = page.getByRole('dialog', { name: 'New webhook' });
      await dialog.getByLabel('Name').fill(`hook-${run}`);
      await dialog.getByLabel('Endpoint URL').fill(hookUrl);
      await dialog.getByLabel('Auth header').fill(`Bearer e2e-${run}`);
      await dialog.getByRole('button', { name: 'Create' }).click();
      await page.locator('tbody tr').filter({ hasText: `hook-${run}` }).waitFor(WAIT);
      const work = mkdtempSync(join(tmpdir(), 'berth-e2e-hook-'));
      const chart = helmChart(work, { name: 'hooked', version: '1.0.0', values: `run: ${run}\n`, readme: '# hooked\n', dependency: `dep-${run}` });
      rmSync(work, { recursive: true, force: true });
      await ociPush(`${PROJECT}/hooked`, '1.0.0', chart);
      for (let i = 0; i < 200 && !received.some((r) => r.body.type === 'PUSH_ARTIFACT'); i++) await new Promise((r) => setTimeout(r, 100));
      const push = received.find((r) => r.body.type === 'PUSH_ARTIFACT');
      assert.ok(push, `the receiver got the push: ${JSON.stringify(received)}`);
      assert.equal(push.auth, `Bearer e2e-${run}`);
      assert.equal(push.body.event_data.repository.repo_full_name, `${PROJECT}/hooked`);
      assert.equal(push.body.event_data.resources[0].tag, '1.0.0');
      await page.reload();
      await page.locator('tbody tr').filter({ hasText: `hook-${run}` }).filter({ hasText: 'Artifact pushed:' }).waitFor(WAIT);
      await shot('webhooks');
      await page.getByRole('button', { name: `Deliveries of hook-${run}` }).click();
      const deliveries = page.getByRole('dialog', { name: `Deliveries of hook-${run}` });
      await deliveries.locator('tbody tr').filter({ hasText: 'Artifact pushed' }).filter({ hasText: 'Success' }).waitFor(WAIT);
      await deliveries.locator('tbody tr').filter({ hasText: 'Artifact pushed' }).getByRole('button', { name: 'Tasks' }).click();
      await deliveries.getByRole('button', { name: 'Log' }).first().click();
      await page.getByText(/delivered: HTTP 200/).waitFor(WAIT);
      await shot('webhook-deliveries');
      // the auth header is write-only: the API says one is stored, never what it is
      const policies = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/webhook/policies`)).json();
      assert.equal(policies[0].targets[0].has_auth_header, true);
      assert.ok(!JSON.stringify(policies).includes(`e2e-${run}`), 'the auth header is not returned');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
    } finally {
      receiver.close();
    }
  });

  await step('adds a member with a role', async () => {
    await page.goto(`${BASE}/projects/${PROJECT}/members`.replace(`/projects/${PROJECT}`, `/projects/${await projectId()}`));
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add member' });
    await dialog.getByLabel('Username').fill(MEMBER);
    await dialog.getByLabel('Role').selectOption({ label: 'Developer' });
    await dialog.getByRole('button', { name: 'Add member' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.locator('tbody tr').filter({ hasText: MEMBER }).waitFor(WAIT);
    const members = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/members`)).json();
    assert.equal(members.find((m) => m.entity_name === MEMBER)?.role_id, 2);
    // an arrow key on the role changes nothing until Save
    const role = page.getByLabel(`Role of ${MEMBER}`, { exact: true });
    await role.focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('button', { name: `Save role of ${MEMBER}` }).waitFor(WAIT);
    assert.equal((await apiOk('GET', `/api/v2.0/projects/${PROJECT}/members`)).json().find((m) => m.entity_name === MEMBER)?.role_id, 2);
    await role.selectOption({ label: 'Maintainer' });
    await page.getByRole('button', { name: `Save role of ${MEMBER}` }).click();
    await page.getByText(`${MEMBER} is now Maintainer.`).waitFor(WAIT);
    assert.equal((await apiOk('GET', `/api/v2.0/projects/${PROJECT}/members`)).json().find((m) => m.entity_name === MEMBER)?.role_id, 4);
    await shot('members');
  });

  await step('creates a robot account and shows its secret exactly once', async () => {
    await tab('Robot accounts').click();
    await page.getByRole('button', { name: 'New robot account' }).click();
    const dialog = page.getByRole('dialog', { name: 'New robot account' });
    await dialog.getByLabel('Name', { exact: true }).fill('ci');
    await dialog.getByLabel('Repository: Push', { exact: true }).check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'The robot’s secret' });
    await secretDialog.waitFor(WAIT);
    robotSecret = await secretDialog.getByLabel('Secret').inputValue();
    const robotName = await secretDialog.getByLabel('Name').inputValue();
    assert.equal(robotName, `robot$${PROJECT}+ci`);
    assert.match(robotSecret, /^.{8,}$/);
    await shot('robot-secret');
    // the secret works: the robot may pull from its project
    const asRobot = await http('GET', `/v2/${PROJECT}/app/tags/list`, undefined, basic(robotName, robotSecret));
    assert.equal(asRobot.status, 200, asRobot.text);
    // closing before saving the secret asks first; the download is Harbor's JSON file
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await secretDialog.getByText('Close without saving the secret?').waitFor(WAIT);
    await secretDialog.getByRole('button', { name: 'Back to the secret' }).click();
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), secretDialog.getByRole('button', { name: 'Download' }).click()]);
    assert.equal(download.suggestedFilename(), `${robotName}.json`);
    assert.deepEqual(JSON.parse(readFileSync(await download.path(), 'utf8')), { name: robotName, secret: robotSecret });
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await secretDialog.waitFor({ state: 'detached', ...WAIT });
    await page.locator('tbody tr').filter({ hasText: robotName }).waitFor(WAIT);
    assert.ok(!(await page.content()).includes(robotSecret), 'the secret is gone from the page');
    await page.reload();
    await page.locator('tbody tr').filter({ hasText: robotName }).waitFor(WAIT);
    assert.ok(!(await page.content()).includes(robotSecret), 'the secret is never shown again');
    assert.ok(!JSON.stringify(await page.evaluate(() => ({ ...localStorage, ...sessionStorage }))).includes(robotSecret));
  });

  await step('edits the robot with Harbor’s permission matrix', async () => {
    const robotName = `robot$${PROJECT}+ci`;
    await page.getByRole('button', { name: `Actions for ${robotName}` }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${robotName}` });
    await dialog.locator('fieldset.matrix').waitFor(WAIT);
    assert.ok(await dialog.getByLabel('Repository: Pull', { exact: true }).isChecked());
    assert.ok(await dialog.getByLabel('Repository: Push', { exact: true }).isChecked());
    await dialog.getByLabel('Tag: Create', { exact: true }).check();
    await dialog.getByLabel('Description').fill('pushes and tags');
    await shot('robot-edit');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.locator('tbody tr').filter({ hasText: 'pushes and tags' }).waitFor(WAIT);
    const robots = (await apiOk('GET', `/api/v2.0/robots?page_size=100&q=${encodeURIComponent(`Level=project,ProjectID=${await projectId()}`)}`)).json();
    const robot = robots.find((r) => r.name === robotName);
    const granted = robot.permissions.flatMap((p) => p.access.map((a) => `${a.resource}:${a.action}`)).sort();
    assert.deepEqual(granted, ['repository:pull', 'repository:push', 'tag:create'], JSON.stringify(robot));
    // the secret still works after the edit
    assert.equal((await http('GET', `/v2/${PROJECT}/app/tags/list`, undefined, basic(robotName, robotSecret))).status, 200);
  });

  await step('makes the guest user a guest of the project (API) and shows the project tabs', async () => {
    await apiOk('POST', `/api/v2.0/projects/${PROJECT}/members`, { role_id: 3, member_user: { username: GUEST } });
    await tab('Repositories').click();
    await page.getByRole('link', { name: `${PROJECT}/app` }).waitFor(WAIT);
    await shot('project');
  });

  await step('runs a GC dry run and a real GC, following their progress to the end', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Garbage collection' }).click();
    await heading('Garbage collection').waitFor(WAIT);
    const progress = page.getByTestId('gc-progress');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const dry = await runEnded('gc-progress', '');
    await page.getByRole('button', { name: 'Run garbage collection' }).click();
    await confirm('Run garbage collection');
    const real = await runEnded('gc-progress', dry);
    assert.ok(await progress.isVisible());
    const history = (await apiOk('GET', '/api/v2.0/system/gc?page_size=5')).json();
    const byId = Object.fromEntries(history.map((h) => [String(h.id), JSON.parse(h.job_parameters)]));
    assert.equal(byId[dry]?.dry_run, true, JSON.stringify(history));
    assert.equal(byId[real]?.dry_run, false, JSON.stringify(history));
    await page.locator('tbody tr').first().filter({ hasText: 'Success' }).filter({ hasText: 'dry run: No' }).waitFor(WAIT);
    await shot('gc');
    await page.locator('tbody tr').first().getByRole('button', { name: 'Log' }).click();
    await page.getByRole('dialog', { name: /Log of run/ }).getByText('garbage collection done').waitFor(WAIT);
    await shot('gc-log');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached', ...WAIT });
  });

  await step('reads the audit log, filtered by resource', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit log', exact: true }).click();
    await heading('Audit log').waitFor(WAIT);
    await page.locator('tbody tr').first().waitFor(WAIT);
    await page.getByLabel('Filter entries').fill(PROJECT);
    await everyRowContains(PROJECT);
    await page.locator('tbody tr').filter({ hasText: `${PROJECT}/app:v2` }).first().waitFor(WAIT);
    const ops = await page.locator('tbody tr').allInnerTexts();
    assert.ok(ops.some((r) => r.includes('robot$' + PROJECT + '+ci') && r.includes('Create')), 'robot creation is audited');
    assert.ok(ops.some((r) => r.includes(`${PROJECT}/app:v2`) && r.includes('Delete')), 'the tag deletion is audited');
    // what a change changed: the member's new role
    await page.getByLabel('Filter entries').fill(`${PROJECT}:${MEMBER}`);
    await page.locator('tbody tr').filter({ hasText: 'Role: Developer → Maintainer' }).waitFor(WAIT);
    await everyRowContains(`${PROJECT}:${MEMBER}`);
    await page.locator('tbody tr').filter({ hasText: 'Role: Developer' }).filter({ hasText: 'Create' }).waitFor(WAIT);
    await shot('audit-change');
    await page.getByLabel('Filter entries').fill(PROJECT);
    await everyRowContains(PROJECT);
  });

  await step('filters the audit log by operation and date, and exports what it shows as CSV', async () => {
    await page.getByLabel('Operation', { exact: true }).selectOption({ label: 'Delete' });
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    await page.getByLabel('From', { exact: true }).fill(day);
    await page.getByLabel('To', { exact: true }).fill(day);
    await everyRowContains('Delete');
    await page.locator('tbody tr').filter({ hasText: `${PROJECT}/app:v2` }).first().waitFor(WAIT);
    await shot('audit');
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('button', { name: 'Export CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'audit-log.csv');
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    assert.equal(lines[0], 'id,op_time,username,operation,resource_type,resource,operation_description');
    assert.ok(lines.length > 1, 'the export holds the entries shown');
    assert.ok(lines.slice(1).every((l) => l.split(',')[3] === 'delete'), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes(`,tag,${PROJECT}/app:v2,`)), lines.join('\n'));
    const shown = Number((await page.locator('.pager span').first().textContent()).match(/\d+/)[0]);
    assert.equal(lines.length - 1, shown, 'as many rows as the list counts');
  });

  await step('purges the audit log: a dry run and a real run to their end, the schedule, a run log', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit log purge' }).click();
    await heading('Audit log purge').waitFor(WAIT);
    // pulls older than an hour only: nothing this run wrote, which later steps still read
    await page.getByLabel('Keep entries for').fill('1');
    await page.getByLabel('Unit').selectOption('hours');
    for (const op of ['Create', 'Update', 'Delete', 'Sign in', 'Sign out']) await page.getByLabel(op, { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Dry run' }).click();
    const dry = await runEnded('purge-progress', '');
    await page.getByRole('button', { name: 'Purge now' }).click();
    await confirm('Purge now');
    const real = await runEnded('purge-progress', dry);
    const history = (await apiOk('GET', '/api/v2.0/system/purgeaudit?page_size=5')).json();
    const byId = Object.fromEntries(history.map((h) => [String(h.id), JSON.parse(h.job_parameters)]));
    assert.deepEqual(byId[dry], { audit_retention_hour: 1, include_event_types: 'pull', dry_run: true, would_purge_rows: 0 }, JSON.stringify(history));
    assert.equal(byId[real]?.dry_run, false, JSON.stringify(history));
    assert.equal(byId[real]?.purged_rows, 0, JSON.stringify(history));
    await page.locator('tbody tr').first().filter({ hasText: 'Success' }).filter({ hasText: 'entries purged: 0' }).waitFor(WAIT);

    await page.getByLabel('Run automatically').selectOption('Daily');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Next run:').waitFor(WAIT);
    const schedule = (await apiOk('GET', '/api/v2.0/system/purgeaudit/schedule')).json();
    assert.equal(schedule.schedule.type, 'Daily');
    assert.deepEqual(JSON.parse(schedule.job_parameters), { audit_retention_hour: 1, include_event_types: 'pull', dry_run: false });
    await shot('purge-audit');
    await page.getByLabel('Run automatically').selectOption('None');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Next run:').waitFor({ state: 'detached', ...WAIT });
    assert.deepEqual((await apiOk('GET', '/api/v2.0/system/purgeaudit/schedule')).json(), {});

    await page.locator('tbody tr').first().getByRole('button', { name: 'Log' }).click();
    await page.getByRole('dialog', { name: `Log of run ${real}` }).getByText('purging audit log entries older than').waitFor(WAIT);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached', ...WAIT });
  });

  // late in the run: its repository would push the summary's out of its recent five, and its audit
  // entries the ones the audit steps look for off their first page
  await step('tag retention: adds a rule, a dry run lists what would go, a real run deletes it, with tasks and logs', async () => {
    // three images in a repository of their own; the rule covers only it
    const work = mkdtempSync(join(tmpdir(), 'berth-e2e-retention-'));
    const pushed = [];
    for (const [i, size] of [3072, 4096, 5120].entries()) {
      const image = writeImageLayout(join(work, String(i)), { sizeBytes: size });
      skopeoPush(image.layout, `${HOST}/${PROJECT}/ret:r${i}`);
      pushed.push(image.digest);
    }
    rmSync(work, { recursive: true, force: true });
    await page.goto(`${BASE}/projects/${await projectId()}/retention`);
    await page.getByRole('button', { name: 'Create a retention policy' }).click();
    await page.getByText('No rules yet').waitFor(WAIT);
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add rule' });
    await dialog.getByLabel('Repository pattern').fill('ret');
    await dialog.getByLabel('Retain').selectOption('latestPushedK');
    await dialog.getByLabel('Count or days').fill('1');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.getByText('the 1 most recently pushed artifacts').waitFor(WAIT);

    // the newest run (its id from the API), followed in the runs list refreshed by hand, as a user would
    const policyId = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}`)).json().metadata.retention_id;
    const newestRun = async (after) => {
      for (let i = 0; i < 40; i++) {
        const ids = (await apiOk('GET', `/api/v2.0/retentions/${policyId}/executions`)).json().map((e) => e.id);
        const newest = Math.max(0, ...ids);
        if (newest > after) return newest;
        await page.waitForTimeout(250);
      }
      throw new Error('no new retention run');
    };
    const runRow = (id) => page.locator('tbody tr').filter({ has: page.locator('td', { hasText: new RegExp(`^${id}$`) }) });
    const retentionRunEnded = async (id) => {
      for (let i = 0; i < 120; i++) {
        const text = (await runRow(id).count()) ? await runRow(id).textContent() : '';
        if (/Success/.test(text)) return;
        if (/Error|Stopped/.test(text)) throw new Error(`run ${id} ended: ${text}`);
        await page.waitForTimeout(500);
        await page.getByRole('button', { name: 'Refresh' }).click();
      }
      throw new Error(`retention run ${id} did not end`);
    };
    await page.getByRole('button', { name: 'Dry run' }).click();
    const dry = await newestRun(0);
    await retentionRunEnded(dry);
    await runRow(dry).getByRole('button', { name: 'Tasks' }).click();
    let tasks = page.getByRole('dialog', { name: /Tasks of run/ });
    const wouldGo = tasks.getByTestId('retention-would-go');
    await wouldGo.waitFor(WAIT);
    await tasks.getByText('would delete 2 artifacts').waitFor(WAIT);
    const listed = await wouldGo.textContent();
    assert.ok(listed.includes(`${PROJECT}/ret:r0`) && listed.includes(`${PROJECT}/ret:r1`), listed);
    assert.ok(!listed.includes(`${PROJECT}/ret:r2`), listed);
    await shot('retention-dry-run');
    await page.keyboard.press('Escape');
    await tasks.waitFor({ state: 'detached', ...WAIT });
    assert.equal((await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/ret/artifacts`)).json().length, 3, 'a dry run deletes nothing');

    await page.getByRole('button', { name: 'Run now' }).click();
    await confirm('Run now');
    const real = await newestRun(dry);
    await retentionRunEnded(real);
    await runRow(real).getByRole('button', { name: 'Tasks' }).click();
    tasks = page.getByRole('dialog', { name: /Tasks of run/ });
    const task = tasks.locator('tbody tr').filter({ hasText: `${PROJECT}/ret` });
    await task.waitFor(WAIT);
    await task.getByRole('button', { name: 'Log' }).click();
    await tasks.locator('pre.log').filter({ hasText: 'DEL' }).waitFor(WAIT);
    await shot('retention-run-log');
    await page.keyboard.press('Escape');
    await tasks.waitFor({ state: 'detached', ...WAIT });
    const left = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/repositories/ret/artifacts`)).json().map((a) => a.digest);
    assert.deepEqual(left, [pushed[2]], 'the run kept only the latest pushed');
  });

  await step('the other admin pages render their data', async () => {
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Users' }).click();
    await page.locator('tbody tr').filter({ hasText: MEMBER }).waitFor(WAIT);
    await page.getByLabel('Filter users by name').fill(GUEST);
    await everyRowContains(GUEST);
    assert.equal(await page.locator('tbody tr').count(), 1, 'the search is done by the server');
    await nav.getByRole('link', { name: 'Job service' }).click();
    await page.getByRole('heading', { name: 'Worker pools' }).waitFor(WAIT);
    await page.getByRole('heading', { name: 'Queues' }).waitFor(WAIT);
    await page.getByRole('heading', { name: /^Workers of pool / }).waitFor(WAIT);
    // Harbor's "pause all schedules", and back
    await page.getByRole('button', { name: 'Pause all schedules' }).click();
    await confirm('Pause all schedules');
    await page.getByText('Schedules paused', { exact: true }).waitFor(WAIT);
    assert.equal((await apiOk('GET', '/api/v2.0/schedules/all/paused')).json().paused, true);
    await page.getByRole('button', { name: 'Resume all schedules' }).click();
    await confirm('Resume all schedules');
    await page.getByText('Schedules running', { exact: true }).waitFor(WAIT);
    assert.equal((await apiOk('GET', '/api/v2.0/schedules/all/paused')).json().paused, false);
    await shot('jobs');
    await nav.getByRole('link', { name: 'Configuration' }).click();
    assert.equal(await page.getByLabel('Authentication mode').inputValue(), 'db_auth');
    await heading('System settings').waitFor(WAIT);
    await shot('configuration');
    await nav.getByRole('link', { name: 'System information' }).click();
    await page.getByText('Healthy', { exact: true }).first().waitFor(WAIT);
    await shot('system');
  });

  await step('manages user groups and makes one a project member', async () => {
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'User groups' }).click();
    await heading('User groups').waitFor(WAIT);
    await page.getByRole('button', { name: 'New group' }).click();
    let dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill(GROUP);
    await dialog.getByLabel('Group type').selectOption({ label: 'OIDC' });
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('button', { name: `Rename group ${GROUP}` }).click();
    dialog = page.getByRole('dialog', { name: `Rename group ${GROUP}` });
    await dialog.getByLabel('Group name').fill(RENAMED_GROUP);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.getByLabel('Filter groups by name').fill(RENAMED_GROUP);
    await everyRowContains(RENAMED_GROUP);
    await page.locator('tbody tr').filter({ hasText: 'OIDC' }).waitFor(WAIT);
    await shot('user-groups');

    await page.goto(`${BASE}/projects/${await projectId()}/members`);
    await page.getByRole('button', { name: 'Add member' }).click();
    dialog = page.getByRole('dialog', { name: 'Add member' });
    await dialog.getByLabel('Member type').selectOption({ label: 'Group' });
    await dialog.getByLabel('Group name').fill(RENAMED_GROUP);
    await dialog.getByLabel('Role').selectOption({ label: 'Guest' });
    await dialog.getByRole('button', { name: 'Add member' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.locator('tbody tr').filter({ hasText: RENAMED_GROUP }).getByText('Group', { exact: true }).waitFor(WAIT);
    const members = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/members`)).json();
    const member = members.find((m) => m.entity_name === RENAMED_GROUP);
    assert.equal(member?.entity_type, 'g', JSON.stringify(members));
    assert.equal(member?.role_id, 3);

    // deleting the group after confirming takes it out of the project too
    await nav.getByRole('link', { name: 'User groups' }).click();
    await page.getByRole('button', { name: `Delete group ${RENAMED_GROUP}` }).click();
    await confirm('Delete');
    await page.getByRole('button', { name: `Delete group ${RENAMED_GROUP}` }).waitFor({ state: 'detached', ...WAIT });
    const after = (await apiOk('GET', `/api/v2.0/projects/${PROJECT}/members`)).json();
    assert.ok(!after.some((m) => m.entity_name === RENAMED_GROUP), 'the group is no member any more');
  });

  await step("the trust policy tab trusts a cosign key; a signed image shows Verified by it, an unsigned one Unverified", async () => {
    const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = keys.publicKey.export({ type: 'spki', format: 'pem' });
    await page.goto(`${BASE}/projects/${await projectId()}/trust`);
    await page.getByRole('button', { name: 'Add key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add key' });
    await dialog.getByLabel('Name').fill('release');
    await dialog.getByLabel('Public key (PEM)').fill(pem);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'ecdsa-p256' }).waitFor(WAIT);
    await page.getByLabel('Mode').selectOption('warn');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Version 2').waitFor(WAIT);
    await shot('trust-policy');

    const work = mkdtempSync(join(tmpdir(), 'berth-e2e-signed-'));
    const signed = writeImageLayout(join(work, 's'));
    const unsigned = writeImageLayout(join(work, 'u'));
    skopeoPush(signed.layout, `${HOST}/${PROJECT}/signed:v1`);
    skopeoPush(unsigned.layout, `${HOST}/${PROJECT}/signed:v2`);
    rmSync(work, { recursive: true, force: true });
    // cosign's tag scheme: a simple-signing payload signed with the key (ECDSA, DER, SHA-256)
    const payload = Buffer.from(
      JSON.stringify({ critical: { identity: { 'docker-reference': `${HOST}/${PROJECT}/signed` }, image: { 'docker-manifest-digest': signed.digest }, type: 'cosign container image signature' }, optional: null }),
    );
    const config = Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(payload)] } }));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        layers: [
          {
            mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
            digest: sha256(payload),
            size: payload.length,
            annotations: { 'dev.cosignproject.cosign/signature': signBytes('sha256', payload, keys.privateKey).toString('base64') },
          },
        ],
      }),
    );
    await ociPush(`${PROJECT}/signed`, `${signed.digest.replace(':', '-')}.sig`, {
      blobs: [
        { digest: sha256(payload), bytes: payload },
        { digest: sha256(config), bytes: config },
      ],
      manifest,
    });
    const verification = `/api/v2.0/projects/${PROJECT}/repositories/signed/artifacts/${signed.digest}/verification`;
    for (let i = 0; i < 200 && !(await apiOk('GET', verification)).json().verified; i++) await new Promise((r) => setTimeout(r, 100));
    await page.goto(`${BASE}/projects/${await projectId()}/repositories/signed/artifacts/${signed.digest}`);
    const card = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Signatures' }) });
    await card.getByText('Verified', { exact: true }).waitFor(WAIT);
    await card.getByText('signed by trusted key release').waitFor(WAIT);
    await shot('artifact-signatures');
    await page.goto(`${BASE}/projects/${await projectId()}/repositories/signed`);
    await page.locator('tbody tr').filter({ hasText: unsigned.digest.slice(0, 19) }).getByText('Unverified').waitFor(WAIT);
    await page.locator('tbody tr').filter({ hasText: signed.digest.slice(0, 19) }).getByText('Verified', { exact: true }).waitFor(WAIT);
    await apiOk('PUT', `/api/v2.0/projects/${PROJECT}/trust-policy`, { mode: 'off', kinds: ['cosign'] });
  });

  await step('switches to Simplified Chinese', async () => {
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '项目' }).click();
    await heading('项目').waitFor(WAIT);
    await page.locator('tbody [aria-busy=true]').first().waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('cell', { name: /无上限/ }).first().waitFor(WAIT);
    await shot('projects-zh');
    await page.goto(`${BASE}/projects/${await projectId()}/repositories/app`);
    await page.getByRole('heading', { name: `${PROJECT}/app` }).waitFor(WAIT);
    await page.locator('tbody tr').first().getByText('镜像', { exact: true }).waitFor(WAIT);
    await shot('artifacts-zh');
    await page.goto(`${BASE}/admin/gc`);
    await page.locator('tbody tr').first().getByText('成功', { exact: true }).waitFor(WAIT);
    const english = await page.locator('main').evaluate((m) => (m.innerText.match(/\b(Success|Error|MANUAL|SCHEDULE|Running|Pending)\b/g) ?? []).join(','));
    assert.equal(english, '', 'no English status word on a Chinese page');
    await shot('gc-zh');
    await page.getByLabel('语言').selectOption('en');
    await heading('Garbage collection').waitFor(WAIT);
  });

  await step('an ended session sends the user back to sign in', async () => {
    await page.evaluate(() => fetch('/c/log_out'));
    // the user comes back to the tab: the portal notices the session is gone
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.getByText('Your session has expired').waitFor(WAIT);
    await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
  });

  await step('a guest sees no administration and no changing actions', async () => {
    await page.goto(BASE + '/projects');
    await signIn(GUEST, USER_PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    assert.equal(await nav.getByText('Administration').count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
    await page.getByRole('link', { name: PROJECT }).click();
    await page.getByRole('link', { name: `${PROJECT}/app` }).waitFor(WAIT);
    assert.equal(await page.getByRole('button', { name: /^Delete repository/ }).count(), 0);
    assert.equal(await tab('Configuration').count(), 0, 'no metadata tab for a guest');
    await tab('Members').click();
    await page.locator('tbody tr').filter({ hasText: MEMBER }).waitFor(WAIT);
    assert.equal(await page.getByRole('button', { name: 'Add member' }).count(), 0);
    await tab('Robot accounts').click();
    await page.locator('tbody tr').filter({ hasText: 'ci' }).waitFor(WAIT);
    assert.equal(await page.getByRole('button', { name: 'New robot account' }).count(), 0);
    await tab('Repositories').click();
    await page.getByRole('link', { name: `${PROJECT}/app` }).click();
    const row = page.locator('tbody tr').filter({ hasText: 'stable' });
    await row.waitFor(WAIT);
    assert.equal(await row.getByRole('button', { name: /Delete|Add tag/ }).count(), 0);
    await page.getByTestId('repository-description').filter({ hasText: 'The e2e image.' }).waitFor(WAIT);
    assert.equal(await page.getByRole('button', { name: 'Edit description' }).count(), 0, 'a guest reads the description only');
    await shot('guest-artifacts');
    await page.goto(BASE + '/admin/users');
    await page.getByText('This page is for system administrators.').waitFor(WAIT);
    await signOut();
  });
} catch {
  failed = true;
} finally {
  await browser.close();
}

async function projectId() {
  return (await apiOk('GET', `/api/v2.0/projects/${PROJECT}`)).json().project_id;
}

const csp = problems.filter((p) => /Content Security Policy|Refused to/.test(p));
const unexpected = problems.filter((p) => !/status of (401|403|412)/.test(p)); // refusals the steps provoke
if (unexpected.length) {
  console.log(`browser problems:\n  ${unexpected.join('\n  ')}`);
}
const passed = results.filter((r) => r.ok).length;
const failedCount = results.length - passed + (csp.length ? 1 : 0);
console.log(`screenshots: ${SHOTS}`);
console.log(`${passed} passed, ${failedCount} failed`);
process.exit(failed || csp.length ? 1 : 0);
