import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { startEmulator } from '../index';
import { loginAs, postGraphql } from '../testing/post-graphql';

const secret = 'whsec-emulator-secret';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver that records every delivery and answers as `answer` says. */
async function receiver(answer: (delivery: Delivery, response: ServerResponse, index: number) => void) {
  const deliveries: Delivery[] = [];
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const delivery = { headers: request.headers, body };
    deliveries.push(delivery);
    answer(delivery, response, deliveries.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, deliveries };
}

/** Answers the challenge as Bettermode expects and every event with `status`. */
const answering =
  (status: (index: number) => number) => (delivery: Delivery, response: ServerResponse, index: number) => {
    const parsed = JSON.parse(delivery.body) as { type: string; data: { challenge?: string } };
    if (parsed.type === 'TEST') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ type: 'TEST', status: 'SUCCEEDED', data: { challenge: parsed.data.challenge } }));
      return;
    }
    response.writeHead(status(index)).end();
  };

const signatureOf = (delivery: Delivery) =>
  createHmac('sha256', secret)
    .update(`${String(delivery.headers['x-bettermode-request-timestamp'])}:${delivery.body}`)
    .digest('hex');

test('the URL challenge at start-up: passed when the answer echoes it, failed with the reason otherwise', async () => {
  const good = await receiver(answering(() => 200));
  const wrong = await receiver((_delivery, response) =>
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"type":"TEST","status":"SUCCEEDED","data":{"challenge":"nope"}}'),
  );
  const emulator = await startEmulator({
    webhooks: [
      { url: good.url, secret },
      { url: wrong.url, secret },
      { url: 'http://127.0.0.1:9/hook', secret },
    ],
  });
  stops.push(() => emulator.stop());
  expect(emulator.webhooks.challenges.map(({ passed, reason }) => [passed, reason])).toEqual([
    [true, undefined],
    [false, 'the answer did not echo the challenge'],
    [false, expect.any(String)],
  ]);
  const challenge = JSON.parse(good.deliveries[0]?.body ?? '{}') as Record<string, unknown>;
  expect(challenge).toEqual({
    networkId: 'NtT0FkLxxi',
    context: 'NETWORK',
    currentSettings: [],
    type: 'TEST',
    data: { challenge: expect.stringMatching(/^[0-9a-f]{32}$/) },
  });
});

test('a login, a logout and a session revoked for reuse are signed events; a filter picks what a receiver takes', async () => {
  const all = await receiver(answering(() => 200));
  const logins = await receiver(answering(() => 200));
  const emulator = await startEmulator({
    refreshReuseGraceSeconds: 0,
    webhooks: [
      { url: all.url, secret },
      { url: logins.url, secret, events: ['member.logged_in'] },
    ],
  });
  stops.push(() => emulator.stop());
  const { login } = await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword');
  const { accessToken, refreshToken, member } = login.body.data!.loginNetwork;
  // A refresh token spent twice revokes the session (no grace here).
  const refresh = 'query($r: String) { tokens(refreshToken: $r) { accessToken } }';
  await postGraphql(emulator.url, refresh, { variables: { r: refreshToken } });
  await postGraphql(emulator.url, refresh, { variables: { r: refreshToken } });
  const second = await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword');
  const session = second.login.body.data?.loginNetwork;
  await postGraphql(emulator.url, 'mutation($id: String!) { logoutNetwork(input: { sessionId: $id }) { status } }', {
    token: session.accessToken,
    variables: { id: session.member.activeSession.id },
  });
  await emulator.webhooks.settled();
  const events = all.deliveries
    .slice(1)
    .map(
      (delivery) => JSON.parse(delivery.body) as { type: string; data: { id: string; name: string; actorId?: string } },
    );
  expect(events.map((event) => event.data.name)).toEqual([
    'member.logged_in',
    'session.revoked',
    'member.logged_in',
    'member.logged_out',
  ]);
  expect(events.every((event) => event.type === 'SUBSCRIPTION' && event.data.actorId === member.id)).toBe(true);
  expect(new Set(events.map((event) => event.data.id)).size).toBe(4);
  for (const delivery of all.deliveries) {
    expect(delivery.headers['x-bettermode-signature']).toBe(signatureOf(delivery));
    expect(Math.abs(Number(delivery.headers['x-bettermode-request-timestamp']) - Date.now())).toBeLessThan(60_000);
  }
  expect(
    logins.deliveries.slice(1).map((delivery) => (JSON.parse(delivery.body) as { data: { name: string } }).data.name),
  ).toEqual(['member.logged_in', 'member.logged_in']);
  expect(accessToken).toBeTruthy();
});

test('a delivery that gets no 2xx is retried with backoff (a new timestamp each time); after every attempt fails it is given up', async () => {
  const flaky = await receiver(answering((index) => (index <= 2 ? 500 : 200)));
  const down = await receiver(answering(() => 503));
  const emulator = await startEmulator({
    webhooks: [
      { url: flaky.url, secret },
      { url: down.url, secret },
    ],
    webhookDelivery: { attempts: 4, baseDelayMs: 20 },
  });
  stops.push(() => emulator.stop());
  const id = emulator.webhooks.send('member.custom', { object: { id: 'x' } });
  await emulator.webhooks.settled();
  // The challenge, two refusals, then the delivery.
  expect(flaky.deliveries.length).toBe(4);
  expect(
    new Set(
      flaky.deliveries.slice(1).map((delivery) => (JSON.parse(delivery.body) as { data: { id: string } }).data.id),
    ),
  ).toEqual(new Set([id]));
  expect(down.deliveries.length).toBe(1 + 4);
  expect(emulator.stats()).toMatchObject({ webhookDeliveries: 1, webhookRetries: 2 + 3, webhookFailures: 1 });
});

test('stop() gives up the retries still waiting', async () => {
  const down = await receiver(answering(() => 503));
  const emulator = await startEmulator({
    webhooks: [{ url: down.url, secret }],
    webhookDelivery: { attempts: 5, baseDelayMs: 10_000 },
  });
  emulator.webhooks.send('member.custom');
  await new Promise((resolve) => setTimeout(resolve, 200));
  await emulator.stop();
  await emulator.webhooks.settled();
  expect(down.deliveries.length).toBe(2);
});
