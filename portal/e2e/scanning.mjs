// The scanning pages in real headless Chromium (started by
// dev.berth.scan.builtin.PortalScanningEndToEndTest, which loads the OSV record of Log4Shell and
// pushes PROJECT/REPO:1.0 holding log4j-core 2.14.1 from Maven Central): the administrator sees the
// built-in scanner as the default, scans the image from its page and reads CVE-2021-44228 as
// Critical, generates its SBOM and finds log4j-core in it, finds the image again through package
// search; a guest of the project reads the report but gets no Scan or Generate SBOM button.
import { ADMIN_PASSWORD, BASE, heading, nav, requireEnv, runSteps, SHOTS, signIn, WAIT } from './harness.mjs';
import { join } from 'node:path';

requireEnv('PROJECT', 'PROJECT_ID', 'REPO', 'DIGEST', 'GUEST', 'GUEST_PASSWORD');
const { PROJECT, PROJECT_ID, REPO, DIGEST, GUEST, GUEST_PASSWORD } = process.env;
const LONG = { timeout: 120_000 };
const artifactPage = `${BASE}/projects/${PROJECT_ID}/repositories/${REPO}/artifacts/${DIGEST}`;

await runSteps('scanning', async (page, step) => {
  const vulns = page.getByTestId('vulnerabilities');
  const sbom = page.getByTestId('sbom');

  await step('the administrator sees the built-in scanner as the default and the configured adapter', async () => {
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await nav(page).getByRole('link', { name: 'Interrogation services' }).click();
    const row = page.getByRole('row').filter({ hasText: 'builtin://berth' });
    await row.getByText('Default').waitFor(WAIT);
    await row.getByText('Built-in').waitFor(WAIT);
    // the adapter registered from configuration at start (the chart's trivy.enabled) is listed, not default
    const trivy = page.getByRole('row').filter({ hasText: 'from configuration' });
    await trivy.getByText('Trivy').waitFor(WAIT);
    if (await trivy.getByText('Default').count()) throw new Error('the configured adapter became the default');
  });

  await step('scans the image from its page and reads CVE-2021-44228 as Critical', async () => {
    await page.goto(artifactPage);
    await vulns.getByText('Not scanned yet.').waitFor(WAIT);
    await vulns.getByRole('button', { name: 'Scan', exact: true }).click();
    await vulns.getByText('Scan: Success').waitFor(LONG);
    const row = vulns.getByRole('row').filter({ hasText: 'CVE-2021-44228' });
    await row.getByText('Critical').waitFor(WAIT);
    await row.getByText('log4j-core').waitFor(WAIT);
    await row.getByText('2.15.0').waitFor(WAIT);
    await vulns.getByRole('link', { name: 'Scan log' }).waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'scan-report.png'), fullPage: true });
  });

  await step('generates the SBOM and finds log4j-core among its packages', async () => {
    await sbom.getByRole('button', { name: 'Generate SBOM' }).click();
    await sbom.getByRole('button', { name: 'Download SBOM' }).waitFor(LONG);
    await sbom.getByLabel('Filter by package').fill('log4j');
    await sbom.getByRole('row').filter({ hasText: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }).waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'sbom.png'), fullPage: true });
  });

  await step('finds the image through package search', async () => {
    await nav(page).getByRole('link', { name: 'Package search' }).click();
    await heading(page, 'Package search').waitFor(WAIT);
    await page.getByLabel('Package type').selectOption('maven');
    await page.getByLabel('Package name').fill('org.apache.logging.log4j:log4j-core');
    await page.getByLabel('Version range').fill('<2.15.0');
    const hit = page.getByRole('link', { name: new RegExp(`^${PROJECT}/${REPO}:1\\.0@`) });
    // the SBOM's packages are indexed as it is stored; search again for a while should that lag
    for (let tries = 0; ; tries++) {
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      try {
        await hit.waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (tries >= 12) throw e;
      }
    }
    await hit.click();
    await vulns.getByText('Scan: Success').waitFor(WAIT);
  });

  await step('a guest reads the report but gets no Scan or Generate SBOM button', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
    await signIn(page, GUEST, GUEST_PASSWORD);
    await nav(page).waitFor(WAIT);
    await page.goto(artifactPage);
    await vulns.getByRole('row').filter({ hasText: 'CVE-2021-44228' }).waitFor(WAIT);
    await sbom.getByRole('button', { name: 'Download SBOM' }).waitFor(WAIT);
    for (const name of ['Scan', 'Stop scan']) {
      if (await vulns.getByRole('button', { name, exact: true }).count()) throw new Error(`a guest sees the ${name} button`);
    }
    if (await sbom.getByRole('button', { name: 'Generate SBOM' }).count()) throw new Error('a guest sees Generate SBOM');
  });
});
