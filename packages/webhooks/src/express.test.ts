import express, { type ErrorRequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { nodeWebhookHandler, WebhookConfigurationError } from './index';
import { bettermodeHeaders } from './testing/sign';

const secret = 'whsec-express-secret';
const body =
  '{"networkId":"NtT0FkLxxi","context":"NETWORK","type":"SUBSCRIPTION","data":{"id":"evt_express","name":"member.logged_in"}}';
const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
}

const send = (url: string) => fetch(url, { method: 'POST', headers: bettermodeHeaders(secret, body), body });
// Catches what the handler passes to next(), as an app's error middleware would.
const caught: unknown[] = [];
const errors: ErrorRequestHandler = (error, _request, response, _next) => {
  caught.push(error);
  response.status(500).json({ error: (error as Error).message });
};

test('mounted after express.json(): refused, with an error that says why', async () => {
  const handled: string[] = [];
  const app = express();
  app.use(express.json());
  app.post('/webhooks', nodeWebhookHandler({ secret, onEvent: (event) => void handled.push(event.id) }));
  app.use(errors);
  const response = await send(await serve(app));
  expect(response.status).toBe(500);
  expect(caught.at(-1)).toBeInstanceOf(WebhookConfigurationError);
  expect(((await response.json()) as { error: string }).error).toMatch(
    /already read by a body parser \(express\.json\(\)\?\).*Mount the webhook handler before the body parser/,
  );
  expect(handled).toEqual([]);
});

test('mounted before express.json(), or given express.raw(): it works', async () => {
  const handled: string[] = [];
  const before = express();
  before.post('/webhooks', nodeWebhookHandler({ secret, onEvent: (event) => void handled.push(event.id) }));
  before.use(express.json());
  expect((await send(await serve(before))).status).toBe(200);
  const raw = express();
  raw.post(
    '/webhooks',
    express.raw({ type: 'application/json' }),
    nodeWebhookHandler({ secret, onEvent: (event) => void handled.push(event.id) }),
  );
  expect((await send(await serve(raw))).status).toBe(200);
  expect(handled).toEqual(['evt_express', 'evt_express']);
});
