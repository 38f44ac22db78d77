import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { redisDedupeStore } from '@bettermode-kit/redis-storage';
import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { redisUrl } from '../../../testing/redis-url';
import type { WebhookEvent } from './index';
import { bucketOf, startBalancer, startReceiver } from './testing/receiver';

const secret = 'whsec-end-to-end-secret';
const events = 100;

/**
 * A receiver fails 3 in 10 first attempts; 1 in 10 first attempts outlasts the emulator's timeout,
 * so a duplicate delivery arrives while, or after, it is handled.
 */
const behave = (event: WebhookEvent, attempt: number) => {
  if (attempt > 1) return 'ok';
  const bucket = bucketOf(event.id);
  return bucket < 3 ? 'fail' : bucket === 3 ? 'slow' : 'ok';
};

/** 100 logins, each a `member.logged_in` webhook. */
async function hundredLogins(emulator: Emulator): Promise<void> {
  const post = async (query: string, token?: string) =>
    (await (
      await fetch(emulator.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query }),
      })
    ).json()) as {
      data: Record<string, { accessToken: string }>;
    };
  const guest = (await post('{ tokens(networkDomain: "community.bettermode.io") { accessToken } }')).data.tokens
    ?.accessToken;
  for (let index = 0; index < events; index += 1) {
    await post(
      'mutation { loginNetwork(input: { usernameOrEmail: "bettermodeuser", password: "bettermodepassword" }) { accessToken } }',
      guest,
    );
  }
}

const exactlyOnce = (handled: string[]) => {
  const counts = new Map<string, number>();
  for (const id of handled) counts.set(id, (counts.get(id) ?? 0) + 1);
  return { distinct: counts.size, twice: [...counts.values()].filter((count) => count > 1).length };
};

test('the emulator sends 100 events to a receiver that fails 30% of first attempts: each is handled exactly once', async () => {
  const receiver = await startReceiver({ secret, behave });
  const emulator = await startEmulator({
    webhooks: [{ url: receiver.url, secret, events: ['member.logged_in'] }],
    webhookDelivery: { baseDelayMs: 50, timeoutMs: 500 },
  });
  try {
    expect(emulator.webhooks.challenges).toEqual([{ url: receiver.url, passed: true }]);
    await hundredLogins(emulator);
    await emulator.webhooks.settled();
    expect(exactlyOnce(receiver.handled)).toEqual({ distinct: events, twice: 0 });
    const stats = emulator.stats();
    expect(stats.webhookFailures).toBe(0);
    expect(stats.webhookDeliveries).toBeGreaterThanOrEqual(events);
    expect(stats.webhookRetries).toBeGreaterThanOrEqual(20);
  } finally {
    await emulator.stop();
    await receiver.stop();
  }
});

test('the same with two receivers behind one Redis dedupe store: each event handled once across both', async () => {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const stores = [
    redisDedupeStore({ url: redisUrl(), keyPrefix: prefix }),
    redisDedupeStore({ url: redisUrl(), keyPrefix: prefix }),
  ];
  // One attempt count for both receivers: a retry reaching the other one is not a first attempt.
  const attempts = new Map<string, number>();
  const shared = (event: WebhookEvent) => {
    const attempt = (attempts.get(event.id) ?? 0) + 1;
    attempts.set(event.id, attempt);
    return behave(event, attempt);
  };
  const receivers = await Promise.all(stores.map((dedupe) => startReceiver({ secret, dedupe, behave: shared })));
  const balancer = await startBalancer(receivers.map((receiver) => receiver.url));
  const emulator = await startEmulator({
    webhooks: [{ url: balancer.url, secret, events: ['member.logged_in'] }],
    webhookDelivery: { baseDelayMs: 50, timeoutMs: 500 },
  });
  try {
    expect(emulator.webhooks.challenges[0]?.passed).toBe(true);
    await hundredLogins(emulator);
    await emulator.webhooks.settled();
    const handled = receivers.flatMap((receiver) => receiver.handled);
    expect(exactlyOnce(handled)).toEqual({ distinct: events, twice: 0 });
    expect(receivers.every((receiver) => receiver.handled.length > 0)).toBe(true);
    expect(emulator.stats().webhookFailures).toBe(0);
  } finally {
    await emulator.stop();
    await balancer.stop();
    for (const receiver of receivers) await receiver.stop();
    for (const store of stores) await store.close();
  }
});
