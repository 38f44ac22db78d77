import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from './testing/chromium';
import { serveStatic } from './testing/static-server';

// The storage contract's conformance suite (the published @bettermode-kit/client/testing), run in Chromium against webStorage(localStorage):
// holders are webStorage instances over one origin's localStorage, with real Web Locks and a
// real BroadcastChannel.
const entry = `
import { sessionStorageConformance } from '@bettermode-kit/client/testing';
import { webStorage } from '@bettermode-kit/client';
let store = 0;
const fresh = async () => {
  const key = 'conformance-' + (store += 1);
  localStorage.removeItem(key);
  return ({ leaseMs }) => webStorage(localStorage, { key, leaseMs });
};
window.runConformance = async () => {
  const results = [];
  for (const check of sessionStorageConformance(fresh)) {
    try {
      await check.run();
      results.push({ name: check.name, ok: true });
    } catch (error) {
      results.push({ name: check.name, ok: false, error: String(error) });
    }
  }
  return { results, locks: typeof navigator.locks?.request === 'function', channel: typeof BroadcastChannel === 'function' };
};
`;

let browser: Browser;
let site: Awaited<ReturnType<typeof serveStatic>>;

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: entry, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  site = await serveStatic(fileURLToPath(new URL('.', import.meta.url)), {
    '/conformance.html': {
      type: 'text/html',
      body: '<!doctype html><title>conformance</title><script type="module" src="/conformance.js"></script>',
    },
    '/conformance.js': { type: 'text/javascript', body: bundle.outputFiles[0]?.text ?? '' },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

test('webStorage keeps the SessionStorage contract in a real browser, Web Locks and BroadcastChannel included', async () => {
  const page = await browser.newPage();
  await page.goto(`${site.url}/conformance.html`);
  await page.waitForFunction(() => 'runConformance' in window);
  const outcome = (await page.evaluate(() =>
    (window as unknown as { runConformance(): Promise<unknown> }).runConformance(),
  )) as {
    results: { name: string; ok: boolean; error?: string }[];
    locks: boolean;
    channel: boolean;
  };
  expect(outcome.locks).toBe(true);
  expect(outcome.channel).toBe(true);
  expect(outcome.results.length).toBeGreaterThanOrEqual(8);
  expect(outcome.results.filter((result) => !result.ok)).toEqual([]);
});
