import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildExample } from './testing/build-example';
import { launchChromium } from './testing/chromium';
import { serveStatic } from './testing/static-server';

// The community part of the example, in Debian's Chromium against the emulator's seeded
// community (General and Announcements public, Team private; 10 posts each, 2 replies each).
const screenshots = fileURLToPath(new URL('../screenshots/', import.meta.url));

let emulator: Emulator;
let site: Awaited<ReturnType<typeof serveStatic>>;
let outDir: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  emulator = await startEmulator();
  outDir = await buildExample(emulator.url);
  site = await serveStatic(outDir);
  await mkdir(screenshots, { recursive: true });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await emulator?.stop();
  await rm(outDir, { recursive: true, force: true });
});

const titles = async () => page.getByTestId('post-item').getByRole('button').allTextContents();

describe('the community feed in Chromium', () => {
  test("8. a guest sees the public spaces and General's newest posts; Load more fetches the next page once", async () => {
    emulator.resetStats();
    await page.goto(`${site.url}/?poll=60000`);
    await page.getByTestId('space-general').waitFor();
    expect(await page.getByTestId('feed').getByRole('navigation').getByRole('button').allTextContents()).toEqual([
      'General',
      'Announcements',
    ]);
    await page.getByTestId('post-item').nth(4).waitFor();
    expect(await titles()).toHaveLength(5);
    expect((await titles())[0]).toBe('General post 10: mobile');
    // One request per query on mount (urql's cache-first look-up sends nothing).
    expect(emulator.stats().byField).toMatchObject({ spaces: 1, posts: 1 });
    await page.getByTestId('load-more').click();
    await page.getByTestId('post-item').nth(9).waitFor();
    const all = await titles();
    expect(all).toHaveLength(10);
    expect(new Set(all).size).toBe(10);
    expect(all.at(-1)).toBe('General post 1: onboarding');
    // Ten posts in all: no more to load, and one request per page.
    expect(await page.getByTestId('load-more').count()).toBe(0);
    expect(emulator.stats().byField.posts).toBe(2);
  });

  test('9. a post with its replies, oldest first; a guest is asked to log in to reply', async () => {
    await page.getByRole('button', { name: 'General post 10: mobile' }).click();
    await page.getByTestId('post-content').waitFor();
    expect(await page.getByTestId('post-title').textContent()).toBe('General post 10: mobile');
    expect(await page.getByTestId('post-content').textContent()).toBe('Notes on mobile, number 10 in General.');
    await page.getByTestId('reply').nth(1).waitFor();
    expect(await page.getByTestId('reply').allTextContents()).toEqual([
      expect.stringMatching(/: Reply 1 on mobile\.$/),
      expect.stringMatching(/: Reply 2 on mobile\.$/),
    ]);
    expect(await page.getByText('Log in to reply.').count()).toBe(1);
  });

  test('10. logged in: the private space appears, and a reply (HTML shown as text) is posted and listed', async () => {
    await page.getByLabel('Username or email').fill('bettermodeuser');
    await page.getByLabel('Password').fill('bettermodepassword');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('space-team').waitFor();
    await page.getByTestId('space-general').click();
    await page.getByRole('button', { name: 'General post 10: mobile' }).click();
    await page.getByTestId('reply').nth(1).waitFor();
    await page.getByLabel('Your reply').fill('Hello from <b>Chromium</b>');
    await page.getByRole('button', { name: 'Reply' }).click();
    await page.getByTestId('reply').nth(2).waitFor();
    expect(await page.getByTestId('reply').nth(2).textContent()).toBe('John Smith: Hello from <b>Chromium</b>');
    expect(await page.getByTestId('reply-error').count()).toBe(0);
    await page.screenshot({ path: `${screenshots}8-feed-reply.png` });
    // The emulator has it, once, as Bettermode keeps it: HTML in a JSON-encoded mapping field.
    const guest = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ tokens(networkDomain: "${emulator.networkDomain}") { accessToken } }` }),
    }).then((response) => response.json() as Promise<{ data: { tokens: { accessToken: string } } }>);
    const answer = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${guest.data.tokens.accessToken}` },
      body: JSON.stringify({
        query: '{ replies(postId: "Pst01000010", limit: 10) { totalCount nodes { mappingFields { value } } } }',
      }),
    }).then(
      (response) =>
        response.json() as Promise<{
          data: { replies: { totalCount: number; nodes: { mappingFields: { value: string }[] }[] } };
        }>,
    );
    expect(answer.data.replies.totalCount).toBe(3);
    expect(answer.data.replies.nodes[0]?.mappingFields[0]?.value).toBe(
      JSON.stringify('<p>Hello from &#60;b&#62;Chromium&#60;/b&#62;</p>'),
    );
  });
});
