// Replication in real headless Chromium (started by dev.berth.portal.PortalReplicationEndToEndTest,
// which starts Debian's docker-registry with Basic auth at REMOTE_URL and pushes PROJECT/app:1.0
// and PROJECT/app:dev here first): the administrator adds the registry endpoint on the Registries
// page (testing the connection in the dialog and from the list), creates a push rule with a name
// and a tag filter on the Replications page, runs it, and reads the execution, its task with its
// status and the task's log; then a user who is not an administrator sees neither page's actions.
// The test checks the destination through its registry API afterwards.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ADMIN_PASSWORD, BASE, SHOTS, heading, nav, requireEnv, runSteps, signIn } from './harness.mjs';

requireEnv('PROJECT', 'REMOTE_URL', 'REMOTE_USER', 'REMOTE_PASSWORD', 'ENDPOINT', 'RULE', 'USER', 'USER_PASSWORD');
const { PROJECT, REMOTE_URL, REMOTE_USER, REMOTE_PASSWORD, ENDPOINT, RULE, USER, USER_PASSWORD } = process.env;
const WAIT = { timeout: 30_000 };

async function confirm(page, label) {
  const dialog = page.getByRole('dialog', { name: 'Please confirm' });
  await dialog.waitFor(WAIT);
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await dialog.waitFor({ state: 'detached', ...WAIT });
}

const toast = (page, text) => page.locator('.toasts .toast').filter({ hasText: text });

await runSteps('replication', async (page, step) => {
  await step('the administrator adds the registry endpoint, testing the connection first', async () => {
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await heading(page, 'Projects').waitFor(WAIT);
    await nav(page).getByRole('link', { name: 'Registries', exact: true }).click();
    await heading(page, 'Registries').waitFor(WAIT);
    // the list's column headers are words, not a notification's sentence
    const headers = await page.getByRole('columnheader').allTextContents();
    assert.ok(!headers.some((h) => h.includes('{')), `column headers: ${headers.join(' | ')}`);
    await page.getByRole('button', { name: 'New endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'New endpoint' });
    await dialog.getByLabel('Provider').selectOption('docker-registry');
    await dialog.getByLabel('Name', { exact: true }).fill(ENDPOINT);
    await dialog.getByLabel('Endpoint URL').fill(REMOTE_URL);
    await dialog.getByLabel('Access ID').fill(REMOTE_USER);
    // a wrong secret first: the test says so and nothing is saved
    await dialog.getByLabel('Access secret').fill(REMOTE_PASSWORD + '-wrong');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('.toasts .toast.error').first().waitFor(WAIT);
    await dialog.getByLabel('Access secret').fill(REMOTE_PASSWORD);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await toast(page, 'The registry answered and accepted the credential.').waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'replication-endpoint.png') });
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    const row = page.getByRole('row').filter({ hasText: ENDPOINT });
    await row.getByText('docker-registry', { exact: true }).waitFor(WAIT);
    await row.getByRole('button', { name: `Test connection to ${ENDPOINT}` }).click();
    await toast(page, `${ENDPOINT} is healthy.`).waitFor(WAIT);
  });

  await step('creates a push rule with a name and a tag filter to that endpoint', async () => {
    await nav(page).getByRole('link', { name: 'Replications', exact: true }).click();
    await heading(page, 'Replications').waitFor(WAIT);
    await page.getByRole('button', { name: 'New replication rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New replication rule' });
    await dialog.getByLabel('Name', { exact: true }).fill(RULE);
    await dialog.getByLabel('Replication mode').selectOption('push');
    const destination = dialog.getByLabel('Destination', { exact: true });
    const option = destination.locator('option', { hasText: `${ENDPOINT} (` });
    await option.waitFor({ state: 'attached', ...WAIT });
    await destination.selectOption(await option.getAttribute('value'));
    await dialog.getByLabel('Source resource filter: name').fill(`${PROJECT}/**`);
    await dialog.getByLabel('Tag', { exact: true }).fill('1.*');
    await dialog.getByLabel('Flattening').fill('0');
    await page.screenshot({ path: join(SHOTS, 'replication-rule.png') });
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    const row = page.getByRole('row').filter({ hasText: RULE });
    await row.getByText(ENDPOINT, { exact: true }).waitFor(WAIT);
    await row.getByText('Manual', { exact: true }).waitFor(WAIT);
  });

  await step('runs it and sees the execution succeed with one task for the filtered tag', async () => {
    const row = page.getByRole('row').filter({ hasText: RULE });
    await row.getByRole('button', { name: `Replicate ${RULE} now` }).click();
    await confirm(page, 'Replicate');
    await page.waitForURL(/\/admin\/replications\/executions\/\d+$/, WAIT);
    // the execution runs in the job service: refresh until it has ended
    const summary = page.getByText(/ · Manual · /);
    for (let i = 0; i < 120; i++) {
      const text = (await summary.count()) ? await summary.first().textContent() : '';
      if (/^(Succeeded|Failed|Stopped) /.test(text)) break;
      await new Promise((r) => setTimeout(r, 500));
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    }
    await page.getByText('Succeeded · Manual · 1 of 1 succeeded, 0 failed').waitFor(WAIT);
    const tasks = page.getByRole('table', { name: 'Tasks' });
    const task = tasks.getByRole('row').filter({ hasText: `${PROJECT}/app:[1.0]` });
    await task.getByText('Succeeded', { exact: true }).waitFor(WAIT);
    assert.equal(await tasks.getByRole('row').filter({ hasText: ':[dev]' }).count(), 0, 'the tag filter left dev out');
  });

  await step("reads the task's log", async () => {
    const task = page.getByRole('table', { name: 'Tasks' }).getByRole('row').filter({ hasText: `${PROJECT}/app:[1.0]` });
    await task.getByRole('button', { name: /^Log of task \d+$/ }).click();
    const log = page.locator('pre.log');
    await log.waitFor(WAIT);
    const text = await log.textContent();
    assert.match(text, new RegExp(`tag ${PROJECT}/app:1\\.0 -> sha256:[0-9a-f]{64}`));
    assert.match(text, /done: sha256:/);
    assert.ok(!text.includes(REMOTE_PASSWORD), 'the log never shows the secret');
    await page.screenshot({ path: join(SHOTS, 'replication-execution.png') });
  });

  await step('the rule lists its executions', async () => {
    await page.goto(`${BASE}/admin/replications`);
    const row = page.getByRole('row').filter({ hasText: RULE });
    await row.getByRole('link', { name: 'Executions' }).click();
    const executions = page.getByRole('table', { name: 'Executions' });
    await executions.getByText('Succeeded', { exact: true }).waitFor(WAIT);
    await executions.getByText('1 of 1 succeeded, 0 failed').waitFor(WAIT);
    const headers = await page.getByRole('columnheader').allTextContents();
    assert.ok(!headers.some((h) => h.includes('{')), `column headers: ${headers.join(' | ')}`);
  });

  await step('a user who is not an administrator sees neither page nor its actions', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
    await signIn(page, USER, USER_PASSWORD);
    await heading(page, 'Projects').waitFor(WAIT);
    assert.equal(await nav(page).getByRole('link', { name: 'Registries', exact: true }).count(), 0);
    assert.equal(await nav(page).getByRole('link', { name: 'Replications', exact: true }).count(), 0);
    for (const path of ['/admin/registries', '/admin/replications']) {
      await page.goto(BASE + path);
      await page.getByText('This page is for system administrators.').waitFor(WAIT);
      assert.equal(await page.getByRole('button', { name: /New endpoint|New replication rule|Replicate|Test connection/ }).count(), 0);
      assert.equal(await page.getByText(ENDPOINT).count(), 0, 'no endpoint shown');
      assert.equal(await page.getByText(RULE).count(), 0, 'no rule shown');
    }
  });
});
