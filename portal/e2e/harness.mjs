// What the portal's end-to-end scripts share (started by dev.berth.support.PortalScript): the
// environment, headless Chromium, steps reported as "ok - ..." / "not ok - ..." with a screenshot
// of a failure, and the closing "<n> passed, <m> failed" line and exit code.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = (process.env.BERTH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const ADMIN_PASSWORD = process.env.BERTH_ADMIN_PASSWORD;
export const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? 'target/e2e-screenshots');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const WAIT = { timeout: 20_000 };

/** Exits with 2 unless these environment variables (and BERTH_ADMIN_PASSWORD) are set. */
export function requireEnv(...names) {
  const missing = ['BERTH_ADMIN_PASSWORD', ...names].filter((n) => !process.env[n]);
  if (missing.length) {
    console.error(`${missing.join(', ')} required`);
    process.exit(2);
  }
}

/**
 * Runs `body(page, step)` in a fresh browser context; `step(name, fn)` reports one step and stops
 * the run at the first failure (later steps build on earlier ones). Exits the process.
 */
export async function runSteps(prefix, body) {
  mkdirSync(SHOTS, { recursive: true });
  const results = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let failed = false;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const step = async (name, fn) => {
      try {
        await fn();
        results.push(true);
        console.log(`ok - ${name}`);
      } catch (e) {
        results.push(false);
        console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split('\n').join('\n  ')}`);
        await page.screenshot({ path: join(SHOTS, `${prefix}-failure-${results.length}.png`) }).catch(() => {});
        throw e;
      }
    };
    await body(page, step);
  } catch {
    failed = true;
  } finally {
    await browser.close();
  }
  const passed = results.filter((r) => r).length;
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

/** Signs in on the portal's login page with a user name and password. */
export async function signIn(page, user, password) {
  await page.goto(BASE + '/projects');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export const heading = (page, text) => page.getByRole('heading', { name: text, exact: true });
export const nav = (page) => page.getByRole('navigation', { name: 'Main navigation' });
