import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`, which `.ci/run` does when it is missing), never a
 * browser download; headless, and kept off the network it cannot reach. playwright-core starts
 * it with a fresh, temporary user-data dir.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.BETTERMODE_KIT_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
