// LDAP in real headless Chromium, against a Berth in ldap_auth mode and the test slapd (started by
// dev.berth.portal.PortalLdapEndToEndTest): the administrator tests the server from the
// configuration page, imports a directory user and registers a directory group; a directory user
// signs in through the login page with their directory password.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ADMIN_PASSWORD, SHOTS, WAIT, heading as headingOf, nav as navOf, requireEnv, runSteps, signIn as signInOn } from './harness.mjs';

requireEnv('LDAP_GROUP_DN');
const GROUP_DN = process.env.LDAP_GROUP_DN;

await runSteps('ldap', async (page, step) => {
  const heading = (text) => headingOf(page, text);
  const nav = () => navOf(page);
  const signIn = (user, password) => signInOn(page, user, password);

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
});
