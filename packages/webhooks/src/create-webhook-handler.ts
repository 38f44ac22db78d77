import { handleWebhook, prepareWebhookHandler, type WebhookHandlerOptions } from './handle-webhook';
import { readLimitedBody } from '@bettermode-kit/internal';

/**
 * A webhook receiver for fetch-style runtimes (Cloudflare Workers, Deno, Bun, Next.js route
 * handlers, Node's own `Request`): `(request) => Promise<Response>`. It reads the raw body
 * itself, verifies it, answers the URL challenge, and hands each event to `onEvent` once.
 *
 * @example
 * ```ts
 * export default { fetch: createWebhookHandler({ secret: env.SIGNING_SECRET, onEvent: (event) => queue.send(event) }) };
 * ```
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const prepared = prepareWebhookHandler(options);
  return async (request) => {
    if (request.method !== 'POST')
      return new Response(JSON.stringify({ error: 'Method not allowed' }), {
        status: 405,
        headers: { 'content-type': 'application/json', allow: 'POST' },
      });
    const rawBody = await readLimitedBody(request, prepared.maxBodyBytes);
    if (rawBody === 'too-large') {
      return new Response(JSON.stringify({ error: 'Payload too large' }), {
        status: 413,
        headers: { 'content-type': 'application/json' },
      });
    }
    const answer = await handleWebhook(prepared, rawBody, request.headers);
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
}
