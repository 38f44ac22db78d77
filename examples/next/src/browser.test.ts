import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, Response as BrowserResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from './testing/chromium';
import { startNextApp, type NextApp } from './testing/next-app';

// The example's production build under `next start`, beside an emulator (4 s tokens, no reuse
// grace), in Debian's Chromium. The checks run in order, as a user would go.
const jwt = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;
const screenshot = fileURLToPath(new URL('../screenshot.png', import.meta.url));

let emulator: Emulator;
let app: NextApp;
let browser: Browser;
let context: BrowserContext;
/** Every body the browser received from the app, with where it came from. */
const received: { url: string; body: string }[] = [];
/** Every response that set a cookie: its URL and Cache-Control. */
const cookieWrites: { url: string; cacheControl: string | undefined }[] = [];
/** Every token the server held for the member at some point (read from the cookie jar, as a test may). */
const tokensSeen = new Set<string>();

async function record(response: BrowserResponse): Promise<void> {
  if (!response.url().startsWith(app.url)) return;
  const headers = await response.allHeaders();
  if (headers['set-cookie']) cookieWrites.push({ url: response.url(), cacheControl: headers['cache-control'] });
  if (response.status() >= 300 && response.status() < 400) return;
  const body = await response.text().catch(() => null);
  if (body !== null) received.push({ url: response.url(), body });
}

async function openTab(): Promise<Page> {
  const page = await context.newPage();
  page.on('response', (response) => void record(response));
  return page;
}

/** The tokens inside the session cookie (the server's, in the browser's jar, unreadable to scripts). */
async function collectTokens(): Promise<void> {
  for (const cookie of await context.cookies()) {
    if (!cookie.name.startsWith('bm_session')) continue;
    const data = cookie.value.split('.').slice(1).join('.');
    const decoded = Buffer.from(data, 'base64url').toString('utf8');
    for (const match of decoded.matchAll(/"(accessToken|refreshToken)":"([^"]+)"/g)) tokensSeen.add(match[2] ?? '');
  }
}

/** What scripts on the page can read: the DOM with its inline scripts (the RSC payload), cookies, storage. */
const scriptVisible = (page: Page) =>
  page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    cookie: document.cookie,
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
  }));

beforeAll(async () => {
  emulator = await startEmulator({ accessTokenTtlSeconds: 4, refreshReuseGraceSeconds: 0 });
  app = await startNextApp({ BETTERMODE_ENDPOINT: emulator.url, BETTERMODE_NETWORK_DOMAIN: emulator.networkDomain });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 900, height: 700 } });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.stop();
  await emulator?.stop();
});

describe('the Next.js example in Chromium', () => {
  let tabA: Page;
  let tabB: Page;

  test("1. a guest's page, rendered on the server", async () => {
    tabA = await openTab();
    const response = await tabA.goto(app.url);
    const html = (await response?.text()) ?? '';
    expect(html).toContain('data-testid="network-name">Bettermode Community<');
    expect(html).toContain('data-testid="guest-view"');
    await tabA.getByTestId('guest-view').waitFor();
  });

  test('2. login: the member, on the page rendered again by the server and queried through the proxy', async () => {
    await tabA.getByLabel('Username or email').fill('bettermodeuser');
    await tabA.getByLabel('Password').fill('bettermodepassword');
    const login = tabA.waitForResponse((response) => response.url().endsWith('/api/bettermode/login'));
    await tabA.getByRole('button', { name: 'Log in' }).click();
    expect((await login).status()).toBe(200);
    await tabA.getByTestId('server-member').waitFor({ timeout: 10_000 });
    await expect.poll(() => tabA.getByTestId('member-name').textContent()).toBe('John Smith');
    await collectTokens();
    expect(tokensSeen.size).toBe(2);
  });

  test('3. the cookie: HttpOnly, SameSite=Lax, not in document.cookie; every response that sets it is private, no-store', async () => {
    const cookies = (await context.cookies()).filter((cookie) => cookie.name.startsWith('bm_session'));
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect((await scriptVisible(tabA)).cookie).not.toContain('bm_session');
    expect(cookieWrites.length).toBeGreaterThan(0);
    for (const write of cookieWrites) expect(write.cacheControl, write.url).toMatch(/private.*no-store/);
  });

  test('4. reload: the member is in the HTML before any script runs, and the client query goes through the proxy', async () => {
    const proxied = tabA.waitForResponse((response) => response.url().endsWith('/api/bettermode/graphql'));
    const response = await tabA.reload();
    const html = (await response?.text()) ?? '';
    expect(html).toMatch(/data-testid="server-member">Rendered on the server for <strong>John Smith<\/strong>/);
    const answer = await proxied;
    expect(answer.request().method()).toBe('POST');
    expect(await answer.json()).toMatchObject({ data: { authMember: { name: 'John Smith' } } });
    await expect.poll(() => tabA.getByTestId('member-username').textContent()).toBe('@bettermodeuser');
  });

  test('5. across an expiry: the next navigation renews the session once (in the middleware), the page stays the member’s', async () => {
    await delay(4100);
    emulator.resetStats();
    const response = await tabA.reload();
    expect(await response?.text()).toContain('Rendered on the server for <strong>John Smith</strong>');
    await expect.poll(() => tabA.getByTestId('member-name').textContent()).toBe('John Smith');
    expect(emulator.stats()).toMatchObject({ refreshes: 1, unauthorized: 0, revokedByReuse: 0 });
    await collectTokens();
    expect(tokensSeen.size).toBe(4);
    await tabA.screenshot({ path: screenshot });
  });

  test('6. two tabs: a logout in one makes the other’s next navigation a guest’s, and ends the session on Bettermode', async () => {
    tabB = await openTab();
    await tabB.goto(app.url);
    await tabB.getByTestId('server-member').waitFor();
    const live = emulator.stats().liveSessions;
    await tabA.getByRole('button', { name: 'Log out' }).click();
    await tabA.getByTestId('guest-view').waitFor({ timeout: 10_000 });
    expect(emulator.stats().liveSessions).toBe(live - 1);
    const response = await tabB.reload();
    const html = (await response?.text()) ?? '';
    expect(html).not.toContain('data-testid="server-member"');
    expect(html).toContain('data-testid="guest-view"');
    await tabB.getByTestId('guest-view').waitFor();
  });

  test('7. no token, nor anything JWT-shaped, in any body the browser received, the DOM, any script, cookies readable by scripts or storage', async () => {
    expect(received.length).toBeGreaterThan(10);
    expect(received.some((entry) => entry.url.includes('/_next/static/'))).toBe(true);
    const places = [...received.map((entry) => ({ where: entry.url, text: entry.body }))];
    for (const tab of [tabA, tabB]) {
      const visible = await scriptVisible(tab);
      places.push(
        { where: 'DOM', text: visible.html },
        { where: 'document.cookie', text: visible.cookie },
        { where: 'localStorage', text: visible.local },
        { where: 'sessionStorage', text: visible.session },
      );
    }
    for (const { where, text } of places) {
      expect(text, where).not.toMatch(jwt);
      for (const token of tokensSeen) expect(text.includes(token), where).toBe(false);
    }
    expect(app.output()).not.toMatch(jwt);
  });
});
