import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { mkdir, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildExample } from './testing/build-example';
import { launchChromium } from './testing/chromium';
import { serveStatic } from './testing/static-server';

// The example built for production, served on 127.0.0.1 beside an emulator (3 s tokens), in
// Debian's Chromium. The checks run in order, as a user would go: one browser, one profile.
const tokenSeconds = 3;
const screenshots = fileURLToPath(new URL('../screenshots/', import.meta.url));
const jwt = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

let emulator: Emulator;
let port: number;
let site: Awaited<ReturnType<typeof serveStatic>>;
let outDir: string;
let browser: Browser;
let context: BrowserContext;
const consoleMessages: string[] = [];
const requestedUrls: string[] = [];
const violations: string[] = [];

/** Opens a tab that records its console, its requests and any Content-Security-Policy violation. */
async function openTab(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message: ConsoleMessage) => consoleMessages.push(message.text()));
  page.on('request', (request) => requestedUrls.push(request.url()));
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { reportViolation(text: string): void }).reportViolation(
        `${event.violatedDirective} ${event.blockedURI}`,
      ),
    );
  });
  await page.goto(`${site.url}/?poll=300`);
  return page;
}

/** The element's text once it matches `expected` (or whatever it last was, after `timeoutMs`). */
async function textOf(
  page: Page,
  testId: string,
  expected: string | RegExp,
  timeoutMs = 10_000,
): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | null;
  do {
    seen = await page
      .getByTestId(testId)
      .textContent({ timeout: Math.max(1, deadline - Date.now()) })
      .catch(() => null);
    if (seen !== null && (typeof expected === 'string' ? seen === expected : expected.test(seen))) return seen;
    await delay(50);
  } while (Date.now() < deadline);
  return seen;
}
const shoot = (page: Page, name: string) => page.screenshot({ path: `${screenshots}${name}.png` });

beforeAll(async () => {
  emulator = await startEmulator({ accessTokenTtlSeconds: tokenSeconds });
  port = Number(new URL(emulator.url).port);
  outDir = await buildExample(emulator.url);
  site = await serveStatic(outDir);
  await mkdir(screenshots, { recursive: true });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 900, height: 700 } });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.stop();
  await emulator?.stop();
  await rm(outDir, { recursive: true, force: true });
});

describe('the web example in Chromium', () => {
  let tabA: Page;
  let tabB: Page;

  test('1. first load: one tokens request, and the guest view with the network', async () => {
    emulator.resetStats();
    tabA = await openTab();
    expect(await textOf(tabA, 'network-name', 'Bettermode Community')).toBe('Bettermode Community');
    await tabA.getByTestId('guest-view').waitFor();
    expect(emulator.stats().byField.tokens).toBe(1);
    await shoot(tabA, '1-guest');
  });

  test("2. login with the document's credentials: John Smith, Admin, *", async () => {
    await tabA.getByLabel('Username or email').fill('bettermodeuser');
    await tabA.getByLabel('Password').fill('bettermodepassword');
    await tabA.getByRole('button', { name: 'Log in' }).click();
    expect(await textOf(tabA, 'member-name', 'John Smith')).toBe('John Smith');
    expect(await textOf(tabA, 'member-role', 'Admin')).toBe('Admin');
    expect(await textOf(tabA, 'member-scopes', '*')).toBe('*');
    await shoot(tabA, '2-member');
  });

  test('3. reload: still John Smith, with no tokens request', async () => {
    emulator.resetStats();
    await tabA.reload();
    expect(await textOf(tabA, 'member-name', 'John Smith')).toBe('John Smith');
    expect(emulator.stats().byField.tokens ?? 0).toBe(0);
    await shoot(tabA, '3-reloaded');
  });

  test(`4. two tabs polling for 10 s across the expiries of a ${tokenSeconds} s token: one refresh per expiry between them, nothing failed`, async () => {
    tabB = await openTab();
    expect(await textOf(tabB, 'member-name', 'John Smith')).toBe('John Smith');
    emulator.resetStats();
    const started = Date.now();
    await delay(10_000);
    const expiries = (Date.now() - started) / 1000 / tokenSeconds;
    const stats = emulator.stats();
    expect(stats.refreshes).toBeGreaterThanOrEqual(Math.floor(expiries) - 1);
    expect(stats.refreshes).toBeLessThanOrEqual(Math.floor(expiries) + 1);
    expect(stats.unauthorized).toBe(0);
    expect(stats.revokedByReuse).toBe(0);
    expect(stats.byField.authMember).toBeGreaterThan(40);
    for (const tab of [tabA, tabB]) {
      const counts = tab.getByTestId('poll-counts');
      expect(Number(await counts.getAttribute('data-answers'))).toBeGreaterThan(20);
      expect(await counts.getAttribute('data-failures')).toBe('0');
    }
    await shoot(tabB, '4-second-tab');
  });

  test('5. logout in tab A: tab B shows the guest view within 2 s', async () => {
    const before = emulator.stats().liveSessions;
    await tabA.getByRole('button', { name: 'Log out' }).click();
    await tabA.getByTestId('guest-view').waitFor({ timeout: 5000 });
    await tabB.getByTestId('guest-view').waitFor({ timeout: 2000 });
    expect(emulator.stats().liveSessions).toBe(before - 1);
    await shoot(tabB, '5-logged-out-elsewhere');
  });

  test('6. a wrong password: the error, and the guest view still works; the emulator stopped: a network error, then recovery without a reload', async () => {
    await tabA.getByLabel('Username or email').fill('bettermodeuser');
    await tabA.getByLabel('Password').fill('not-the-password');
    await tabA.getByRole('button', { name: 'Log in' }).click();
    expect(await textOf(tabA, 'login-error', 'Wrong username, email or password.')).toBe(
      'Wrong username, email or password.',
    );
    expect(await textOf(tabA, 'network-name', 'Bettermode Community')).toBe('Bettermode Community');
    await shoot(tabA, '6-wrong-password');

    await emulator.stop();
    expect(await textOf(tabA, 'network-error', /^Could not reach Bettermode \(.+\); trying again shortly\.$/)).toMatch(
      /^Could not reach Bettermode \(.+\); trying again shortly\.$/,
    );
    await shoot(tabA, '6-unreachable');
    emulator = await startEmulator({ port, accessTokenTtlSeconds: tokenSeconds });
    await tabA.getByTestId('network-error').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await textOf(tabA, 'network-name', 'Bettermode Community')).toBe('Bettermode Community');
    await shoot(tabA, '6-recovered');
  });

  test('7. no token in the page, the console, any URL or the cookies; localStorage holds only the session key; no CSP violation', async () => {
    await tabA.getByLabel('Username or email').fill('bettermodeuser');
    await tabA.getByLabel('Password').fill('bettermodepassword');
    await tabA.getByRole('button', { name: 'Log in' }).click();
    expect(await textOf(tabA, 'member-name', 'John Smith')).toBe('John Smith');
    const stored = await tabA.evaluate(() => ({
      keys: Object.keys(localStorage),
      value: localStorage.getItem('bettermode-kit:session'),
      cookie: document.cookie,
    }));
    expect(stored.keys).toEqual(['bettermode-kit:session']);
    const session = (
      JSON.parse(JSON.parse(stored.value as string).value as string) as {
        session: { accessToken: string; refreshToken: string };
      }
    ).session;
    const secrets = [session.accessToken, session.refreshToken, 'bettermodepassword', 'not-the-password'];
    for (const tab of [tabA, tabB]) {
      const page = await tab.evaluate(() => `${document.documentElement.outerHTML}\n${document.body.innerText}`);
      expect(page).not.toMatch(jwt);
      for (const secret of secrets) expect(page.includes(secret)).toBe(false);
    }
    const seen = [...consoleMessages, ...requestedUrls, stored.cookie].join('\n');
    expect(seen).not.toMatch(jwt);
    for (const secret of secrets) expect(seen.includes(secret)).toBe(false);
    expect(requestedUrls.some((url) => url.startsWith(emulator.url))).toBe(true);
    expect(violations).toEqual([]);
    expect(consoleMessages.filter((message) => /Content Security Policy/i.test(message))).toEqual([]);
    await shoot(tabA, '7-member-again');
  });
});
