import { describe, expect, test } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from './index';
import { bettermodeHeaders } from './testing/sign';

const secret = 'whsec-test-signing-secret';
const body =
  '{"networkId":"NtT0FkLxxi","context":"NETWORK","currentSettings":[],"type":"SUBSCRIPTION","data":{"id":"evt_1","name":"post.published","noun":"POST","verb":"PUBLISHED"}}';
const now = 1_800_000_000_000;

const reasonOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
};

describe('verifyWebhook against signatures computed independently (node:crypto)', () => {
  test('a known timestamp and body: accepted, with the event id from data.id', async () => {
    const event = await verifyWebhook({
      secret,
      rawBody: body,
      headers: bettermodeHeaders(secret, body, now),
      now: () => now,
    });
    expect(event).toMatchObject({
      id: 'evt_1',
      type: 'SUBSCRIPTION',
      networkId: 'NtT0FkLxxi',
      timestamp: now,
      data: { name: 'post.published' },
    });
  });

  test('header names in any case; the body as string, Buffer or Uint8Array; the secret in a list (rotation)', async () => {
    const headers = Object.fromEntries(
      Object.entries(bettermodeHeaders(secret, body, now)).map(([name, value]) => [name.toLowerCase(), value]),
    );
    for (const rawBody of [body, Buffer.from(body), new Uint8Array(Buffer.from(body))]) {
      expect((await verifyWebhook({ secret: ['old-secret', secret], rawBody, headers, now: () => now })).id).toBe(
        'evt_1',
      );
    }
    expect((await verifyWebhook({ secret, rawBody: body, headers: new Headers(headers), now: () => now })).id).toBe(
      'evt_1',
    );
  });

  test('one changed byte of the body, or a wrong secret: bad-signature', async () => {
    const headers = bettermodeHeaders(secret, body, now);
    expect(
      await reasonOf(
        verifyWebhook({ secret, rawBody: body.replace('published', 'publishes'), headers, now: () => now }),
      ),
    ).toBe('bad-signature');
    expect(await reasonOf(verifyWebhook({ secret: 'another-secret', rawBody: body, headers, now: () => now }))).toBe(
      'bad-signature',
    );
    expect(
      await reasonOf(
        verifyWebhook({
          secret,
          rawBody: body,
          headers: { ...headers, 'X-Bettermode-Signature': 'not-hex' },
          now: () => now,
        }),
      ),
    ).toBe('bad-signature');
  });

  test('the same data re-serialized (other spacing) is refused: the raw body is what counts', async () => {
    const headers = bettermodeHeaders(secret, body, now);
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    expect(await reasonOf(verifyWebhook({ secret, rawBody: reserialized, headers, now: () => now }))).toBe(
      'bad-signature',
    );
  });

  test('a timestamp 16 minutes old with the 15-minute default: stale; the window is an option', async () => {
    const old = now - 16 * 60 * 1000;
    const headers = bettermodeHeaders(secret, body, old);
    expect(await reasonOf(verifyWebhook({ secret, rawBody: body, headers, now: () => now }))).toBe('stale');
    expect(
      (await verifyWebhook({ secret, rawBody: body, headers, now: () => now, toleranceMs: 20 * 60 * 1000 })).id,
    ).toBe('evt_1');
    // From the future just as much.
    expect(
      await reasonOf(
        verifyWebhook({
          secret,
          rawBody: body,
          headers: bettermodeHeaders(secret, body, now + 16 * 60 * 1000),
          now: () => now,
        }),
      ),
    ).toBe('stale');
  });

  test('a missing header: missing-header', async () => {
    const { 'X-Bettermode-Signature': _signature, ...withoutSignature } = bettermodeHeaders(secret, body, now);
    const { 'X-Bettermode-Request-Timestamp': _timestamp, ...withoutTimestamp } = bettermodeHeaders(secret, body, now);
    expect(await reasonOf(verifyWebhook({ secret, rawBody: body, headers: withoutSignature, now: () => now }))).toBe(
      'missing-header',
    );
    expect(await reasonOf(verifyWebhook({ secret, rawBody: body, headers: withoutTimestamp, now: () => now }))).toBe(
      'missing-header',
    );
  });

  test('a signed body that is not a webhook: bad-body; without data.id the id is a digest of the body', async () => {
    for (const text of ['not json', '[1,2]', '{"type":"SUBSCRIPTION"}']) {
      expect(
        await reasonOf(
          verifyWebhook({ secret, rawBody: text, headers: bettermodeHeaders(secret, text, now), now: () => now }),
        ),
      ).toBe('bad-body');
    }
    const anonymous = '{"networkId":"n","context":"NETWORK","type":"SUBSCRIPTION","data":{"name":"x"}}';
    const event = await verifyWebhook({
      secret,
      rawBody: anonymous,
      headers: bettermodeHeaders(secret, anonymous, now),
      now: () => now,
    });
    expect(event.id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('an empty secret is a misconfiguration', async () => {
    await expect(verifyWebhook({ secret: '', rawBody: body, headers: {} })).rejects.toThrow(
      /^@bettermode-kit\/webhooks: secret must be a non-empty string/,
    );
  });
});
