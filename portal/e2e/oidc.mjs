// OpenID Connect in real headless Chromium, against a Berth in oidc_auth mode and NAV's
// mock-oauth2-server with its interactive login page (both started by
// dev.berth.portal.PortalOidcEndToEndTest, which also made PROJECT private and the OIDC group
// GROUP its developer): a new user clicks "Login via <provider>", signs in at the provider, is sent
// back through /c/oidc/callback to the onboarding page, chooses a name and lands signed in; the
// groups claim gives them the developer role on PROJECT; their profile shows the CLI secret, which
// works as a registry password and is replaced when regenerated; signing out goes through the
// provider's end_session_endpoint (oidc_logout); a second sign-in skips onboarding.
// Local sign-up and the password form are not offered.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, SHOTS, WAIT, heading as headingOf, requireEnv, runSteps } from './harness.mjs';

requireEnv('OIDC_PROVIDER_NAME', 'PROJECT', 'GROUP', 'CLI_SECRET_FILE');
const PROVIDER = process.env.OIDC_PROVIDER_NAME;
const PROJECT = process.env.PROJECT;
const GROUP = process.env.GROUP;
const SUBJECT = 'erin-subject-7';
const CLAIMS = JSON.stringify({ preferred_username: 'erin', email: 'erin@oidc.test', groups: [GROUP, 'unrelated'] });

/** Whether Berth's token service takes these credentials for a pull of PROJECT. */
async function tokenStatus(user, secret) {
  const res = await fetch(`${BASE}/service/token?service=berth&scope=repository:${PROJECT}/app:pull`, {
    headers: { Authorization: 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64') },
  });
  return res.status;
}

await runSteps('oidc', async (page, step) => {
  const heading = (text) => headingOf(page, text);

  /** From the login page through the provider's sign-in form, up to Berth's answer to the callback. */
  async function throughTheProvider() {
    await page.goto(BASE + '/projects');
    await page.getByRole('link', { name: `Login via ${PROVIDER}` }).waitFor(WAIT);
    // Self-registration is switched on, but local accounts are not offered in oidc_auth.
    assert.equal(await page.getByRole('button', { name: 'Sign up' }).count(), 0, 'no local sign-up');
    await page.getByRole('link', { name: `Login via ${PROVIDER}` }).click();
    await page.getByRole('heading', { name: 'Mock OAuth2 Server Sign-in' }).waitFor(WAIT);
    assert.ok(page.url().includes('code_challenge='), 'the authorization request carries PKCE');
    assert.ok(page.url().includes('nonce='), 'and a nonce');
    await page.locator('input[name="username"]').fill(SUBJECT);
    await page.locator('textarea[name="claims"]').fill(CLAIMS);
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }

  await step('a new user signs in at the provider and chooses their user name on the onboarding page', async () => {
    await throughTheProvider();
    await heading('Choose your username').waitFor(WAIT);
    assert.match(new URL(page.url()).pathname, /^\/oidc-onboard$/);
    const name = page.getByRole('textbox', { name: 'Username' });
    assert.equal(await name.inputValue(), 'erin', 'the name comes from the user claim');
    await name.fill('admin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('This username is taken; choose another.').waitFor(WAIT);
    await name.fill('erin');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading('Projects').waitFor(WAIT);
    await page.getByTestId('current-user').filter({ hasText: 'erin' }).waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'oidc-onboarded.png') });
  });

  await step('the groups claim gives the user the group’s role in the project', async () => {
    const row = page.getByRole('row').filter({ hasText: PROJECT });
    await row.waitFor(WAIT);
    await row.getByRole('cell', { name: 'Developer', exact: true }).waitFor(WAIT);
  });

  await step('the profile shows the CLI secret, a registry password until it is regenerated', async () => {
    await page.getByTestId('current-user').click();
    await page.getByRole('heading', { name: 'CLI secret' }).waitFor(WAIT);
    assert.equal(await page.getByRole('heading', { name: 'Change password' }).count(), 0, 'no local password');
    const field = page.getByLabel('CLI secret');
    assert.equal(await field.getAttribute('type'), 'password', 'hidden until asked for');
    await page.getByRole('button', { name: 'Show' }).click();
    assert.equal(await field.getAttribute('type'), 'text');
    const first = await field.inputValue();
    assert.ok(first.length >= 8, 'a secret is shown');
    assert.equal(await tokenStatus('erin', first), 200, 'the CLI secret is a registry password');
    await page.getByRole('button', { name: 'Generate a new secret' }).click();
    await page.getByText('A new CLI secret is set; the old one no longer works.').waitFor(WAIT);
    await page.waitForFunction((old) => {
      const input = document.querySelector('input[name="cli_secret"]');
      return input && input.value && input.value !== old;
    }, first, WAIT);
    const second = await field.inputValue();
    assert.equal(await tokenStatus('erin', first), 401, 'the old secret no longer works');
    assert.equal(await tokenStatus('erin', second), 200, 'the new one does');
    // The test's podman logs in with it, as the user would after copying it from here.
    writeFileSync(process.env.CLI_SECRET_FILE, second);
    await page.screenshot({ path: join(SHOTS, 'oidc-cli-secret.png') });
  });

  await step('signed out here and at the provider (oidc_logout), the user signs in again without onboarding', async () => {
    const visited = [];
    page.on('request', (r) => visited.push(r.url()));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/account/sign-in', WAIT);
    await page.getByRole('link', { name: `Login via ${PROVIDER}` }).waitFor(WAIT);
    assert.ok(visited.some((u) => u.endsWith('/c/oidc/logout')), 'the portal followed /c/log_out to /c/oidc/logout');
    assert.ok(
      visited.some((u) => u.includes('/endsession?') && u.includes('id_token_hint=') && u.includes('post_logout_redirect_uri=')),
      "the browser went through the provider's end_session_endpoint with the ID token as hint",
    );
    await throughTheProvider();
    await heading('Projects').waitFor(WAIT);
    assert.equal(new URL(page.url()).pathname, '/projects', 'back where the sign-in started');
    await page.getByTestId('current-user').filter({ hasText: 'erin' }).waitFor(WAIT);
  });
});
