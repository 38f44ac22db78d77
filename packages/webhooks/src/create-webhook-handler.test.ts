import { describe, expect, test } from 'vitest';
import { createWebhookHandler, memoryDedupeStore, type WebhookEvent } from './index';
import { bettermodeHeaders } from './testing/sign';

const secret = 'whsec-test-signing-secret';
const post = (body: string, headers: Record<string, string>) =>
  new Request('http://receiver.test/webhooks', { method: 'POST', headers, body });
const event = (id: string) =>
  `{"networkId":"NtT0FkLxxi","context":"NETWORK","type":"SUBSCRIPTION","data":{"id":"${id}","name":"member.logged_in"}}`;

describe('createWebhookHandler', () => {
  test('answers the URL challenge byte for byte as Bettermode documents, without calling onEvent', async () => {
    const handled: WebhookEvent[] = [];
    const handler = createWebhookHandler({ secret, onEvent: (each) => void handled.push(each) });
    const body =
      '{"networkId":"NtT0FkLxxi","context":"NETWORK","currentSettings":[],"type":"TEST","data":{"challenge":"3f9a1c"}}';
    const response = await handler(post(body, bettermodeHeaders(secret, body)));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"type":"TEST","status":"SUCCEEDED","data":{"challenge":"3f9a1c"}}');
    expect(handled).toEqual([]);
  });

  test('refusals carry no detail: 401 for a bad signature or a stale timestamp, 400 for a bad body, 405 for GET', async () => {
    const handler = createWebhookHandler({ secret, onEvent: () => undefined });
    const body = event('evt_1');
    const bad = await handler(post(body, bettermodeHeaders('wrong-secret', body)));
    expect([bad.status, await bad.text()]).toEqual([401, '{"error":"Unauthorized"}']);
    const stale = await handler(post(body, bettermodeHeaders(secret, body, Date.now() - 20 * 60 * 1000)));
    expect(stale.status).toBe(401);
    const notWebhook = await handler(post('[]', bettermodeHeaders(secret, '[]')));
    expect([notWebhook.status, await notWebhook.text()]).toEqual([400, '{"error":"Bad webhook"}']);
    expect((await handler(new Request('http://receiver.test/webhooks'))).status).toBe(405);
  });

  test('each event once: a redelivery answers 200 without calling onEvent again', async () => {
    let calls = 0;
    const handler = createWebhookHandler({ secret, onEvent: () => void (calls += 1) });
    const body = event('evt_2');
    for (let delivery = 0; delivery < 3; delivery += 1)
      expect((await handler(post(body, bettermodeHeaders(secret, body)))).status).toBe(200);
    expect(calls).toBe(1);
  });

  test('onEvent throws: 500 (the message kept out), and the redelivery handles it', async () => {
    let calls = 0;
    const handler = createWebhookHandler({
      secret,
      onEvent: () => {
        calls += 1;
        if (calls === 1) throw new Error('database is down at db.internal:5432');
      },
    });
    const body = event('evt_3');
    const failed = await handler(post(body, bettermodeHeaders(secret, body)));
    expect([failed.status, await failed.text()]).toEqual([500, '{"error":"The webhook could not be handled"}']);
    expect((await handler(post(body, bettermodeHeaders(secret, body)))).status).toBe(200);
    expect(calls).toBe(2);
  });

  test('two deliveries of one event at once: one handles it, the other is told to come back (409)', async () => {
    let release: () => void = () => undefined;
    const handler = createWebhookHandler({
      secret,
      dedupe: memoryDedupeStore(),
      onEvent: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const body = event('evt_4');
    const first = handler(post(body, bettermodeHeaders(secret, body)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await handler(post(body, bettermodeHeaders(secret, body)));
    expect(second.status).toBe(409);
    release();
    expect((await first).status).toBe(200);
    expect((await handler(post(body, bettermodeHeaders(secret, body)))).status).toBe(200);
  });

  test('misconfiguration throws at once', () => {
    expect(() => createWebhookHandler({ secret: '', onEvent: () => undefined })).toThrow(
      /^@bettermode-kit\/webhooks: secret must be/,
    );
    expect(() => createWebhookHandler({ secret, onEvent: undefined as never })).toThrow(/onEvent must be a function/);
  });
});

test('the memory dedupe store stays bounded', async () => {
  const store = memoryDedupeStore({ maxEntries: 3 });
  for (const id of ['a', 'b', 'c', 'd']) {
    expect(await store.claim(id, 60_000)).toBe('claimed');
    await store.complete(id, 60_000);
  }
  expect(await store.claim('d', 60_000)).toBe('done');
  // The oldest was forgotten.
  expect(await store.claim('a', 60_000)).toBe('claimed');
});
