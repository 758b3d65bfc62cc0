// Proxy cache in real headless Chromium (started by dev.berth.portal.PortalProxyCacheEndToEndTest,
// which adds the registry endpoint ENDPOINT_ID and pushes UPSTREAM_REPO:TAG to it first): the
// administrator creates the proxy-cache project PROJECT in the New project dialog, picking the
// endpoint; the image is pulled through it (manifest and blobs, every digest checked); the
// project's Proxy cache tab shows the endpoint and the cached tag, fresh.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ADMIN_PASSWORD, BASE, SHOTS, requireEnv, runSteps, signIn } from './harness.mjs';

requireEnv('PROJECT', 'ENDPOINT_ID', 'ENDPOINT_NAME', 'UPSTREAM_REPO', 'TAG');
const { PROJECT, ENDPOINT_ID, ENDPOINT_NAME, UPSTREAM_REPO, TAG } = process.env;
const WAIT = { timeout: 30_000 };
const ADMIN = 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64');
const sha256 = (bytes) => 'sha256:' + createHash('sha256').update(bytes).digest('hex');
async function registryGet(path, accept) {
  const headers = { Authorization: ADMIN };
  if (accept) headers.Accept = accept;
  const res = await fetch(`${BASE}/v2/${path}`, { headers });
  assert.equal(res.status, 200, `GET /v2/${path} answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

let projectId;
await runSteps('proxy-cache', async (page, step) => {
  await step('the administrator creates a proxy-cache project, picking its registry endpoint', async () => {
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor(WAIT);
    await page.getByRole('button', { name: 'New project' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Project name').fill(PROJECT);
    await dialog.getByLabel(/^Proxy cache: pull images through/).check();
    const picker = dialog.getByLabel('Registry endpoint', { exact: true });
    // The endpoints load once the box is ticked; the picker offers this one with its type.
    await picker.locator('option', { hasText: `${ENDPOINT_NAME} (docker-registry, ` }).waitFor({ state: 'attached', ...WAIT });
    await picker.selectOption(ENDPOINT_ID);
    // The chosen endpoint's long text (name, type, URL) stays inside the dialog: no sideways scroll.
    const width = await dialog.evaluate((d) => {
      const box = d.getBoundingClientRect();
      const select = d.querySelector('select[name="registry_id"]').getBoundingClientRect();
      return { scroll: d.scrollWidth, client: d.clientWidth, right: select.right, edge: box.right };
    });
    assert.ok(width.scroll <= width.client, `the dialog scrolls sideways: ${JSON.stringify(width)}`);
    assert.ok(width.right <= width.edge, `the endpoint picker overflows the dialog: ${JSON.stringify(width)}`);
    await page.screenshot({ path: join(SHOTS, 'proxy-cache-create.png') });
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/projects\/\d+\/repositories$/, WAIT);
    projectId = page.url().match(/\/projects\/(\d+)\//)[1];
  });

  await step('an image pulls through the new project, every digest as the upstream has it', async () => {
    const accept = 'application/vnd.oci.image.manifest.v1+json';
    const manifest = await registryGet(`${PROJECT}/${UPSTREAM_REPO}/manifests/${TAG}`, accept);
    const parsed = JSON.parse(manifest.toString('utf8'));
    for (const d of [parsed.config, ...parsed.layers]) {
      const blob = await registryGet(`${PROJECT}/${UPSTREAM_REPO}/blobs/${d.digest}`);
      assert.equal(sha256(blob), d.digest);
    }
  });

  await step('the Proxy cache tab shows the endpoint and the cached tag, fresh', async () => {
    await page.goto(`${BASE}/projects/${projectId}/repositories`);
    await page.getByRole('link', { name: 'Proxy cache', exact: true }).click();
    const upstream = page.getByLabel('Upstream');
    await upstream.getByText(ENDPOINT_NAME).waitFor(WAIT);
    // The tag is recorded once the image is stored, in the background: refresh until it is.
    const row = page.getByRole('row').filter({ hasText: `${PROJECT}/${UPSTREAM_REPO}` }).filter({ hasText: TAG });
    for (let i = 0; i < 60 && (await row.count()) === 0; i++) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await new Promise((r) => setTimeout(r, 500));
    }
    await row.getByText('Fresh', { exact: true }).waitFor(WAIT);
    await upstream.getByText('1 cached, 0 stale').waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'proxy-cache-status.png') });
  });
});
