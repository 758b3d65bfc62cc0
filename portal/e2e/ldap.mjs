// LDAP in real headless Chromium, against a Berth in ldap_auth mode and the test slapd (started by
// dev.berth.portal.PortalLdapEndToEndTest): the administrator tests the server from the
// configuration page, imports a directory user and registers a directory group; a directory user
// signs in through the login page with their directory password.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.BERTH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const ADMIN_PASSWORD = process.env.BERTH_ADMIN_PASSWORD;
const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? 'target/e2e-screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const GROUP_DN = process.env.LDAP_GROUP_DN;
const WAIT = { timeout: 20_000 };
if (!ADMIN_PASSWORD || !GROUP_DN) {
  console.error('BERTH_ADMIN_PASSWORD and LDAP_GROUP_DN are required');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });

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
    await page.screenshot({ path: join(SHOTS, `ldap-failure-${results.length}.png`) }).catch(() => {});
    throw e;
  }
}
const heading = (text) => page.getByRole('heading', { name: text, exact: true });
const nav = () => page.getByRole('navigation', { name: 'Main navigation' });

async function signIn(user, password) {
  await page.goto(BASE + '/projects');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();

  await step('the administrator tests the LDAP server from the configuration page', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await heading('Projects').waitFor(WAIT);
    await nav().getByRole('link', { name: 'Configuration' }).click();
    await page.getByLabel('LDAP URL (ldap:// or ldaps://)').waitFor(WAIT);
    assert.equal(await page.getByLabel('Authentication mode').inputValue(), 'ldap_auth');
    assert.equal(await page.getByLabel('Search password').inputValue(), '', 'the bind password is never shown');
    await page.getByRole('button', { name: 'Test LDAP server' }).click();
    await page.getByText('Connection to the LDAP server works.').waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'ldap-configuration.png') });
  });

  await step('the administrator imports a directory user and registers a directory group', async () => {
    await nav().getByRole('link', { name: 'LDAP directory' }).click();
    await heading('LDAP directory').waitFor(WAIT);
    await page.getByLabel('Username').fill('bob');
    await page.getByRole('button', { name: 'Search users' }).click();
    await page.getByRole('cell', { name: 'Bob Builder' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Import bob' }).click();
    await page.getByText('User bob imported.').waitFor(WAIT);
    await page.getByLabel('Group name or DN').fill('developers');
    await page.getByRole('button', { name: 'Search groups' }).click();
    await page.getByRole('cell', { name: GROUP_DN }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Add developers as user group' }).click();
    await page.getByText('User group developers added.').waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'ldap-directory.png') });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
  });

  await step('a directory user signs in with the directory password; a wrong one is refused', async () => {
    await signIn('alice', 'wrong-Pass-1');
    await page.getByRole('alert').filter({ hasText: 'Invalid username or password' }).waitFor(WAIT);
    await signIn('alice', 'alice-Pass-1');
    await heading('Projects').waitFor(WAIT);
    await page.getByText('alice').first().waitFor(WAIT);
  });
} catch {
  failed = true;
} finally {
  await browser.close();
}
const passed = results.filter((r) => r).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(failed ? 1 : 0);
