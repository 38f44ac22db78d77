import { handleWebhook, prepareWebhookHandler, type WebhookHandlerOptions } from './handle-webhook';
import { joinChunks } from '@bettermode-kit/internal';

/** The parts of `http.IncomingMessage` the handler reads (Express's `req` is one). */
export interface NodeWebhookRequest extends AsyncIterable<Uint8Array | string> {
  method?: string | undefined;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Set by a body parser: a Buffer from `express.raw()` is used; anything else means the raw body is gone. */
  body?: unknown;
  readableEnded?: boolean;
}

/** The parts of `http.ServerResponse` the handler writes. */
export interface NodeWebhookResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** Options of {@link nodeWebhookHandler}: those of every handler. */
export type NodeWebhookHandlerOptions = WebhookHandlerOptions;

/** The handler was mounted where a body parser had already read the body. */
export class WebhookConfigurationError extends Error {
  override readonly name = 'WebhookConfigurationError';
}

/**
 * A webhook receiver for `node:http` that also works as Express or Connect middleware:
 * `(req, res, next?)`. It reads the raw body itself (or takes the Buffer of `express.raw()`),
 * and refuses, with an error that says why, when a body parser such as `express.json()` has
 * already consumed it: the signature is over the raw bytes, which re-serialized JSON is not.
 *
 * @example
 * ```ts
 * app.post('/bettermode/webhooks', nodeWebhookHandler({ secret, onEvent })); // before express.json()
 * ```
 */
export function nodeWebhookHandler(options: NodeWebhookHandlerOptions) {
  const prepared = prepareWebhookHandler(options);
  const { maxBodyBytes } = prepared;
  const send = (response: NodeWebhookResponse, status: number, body: string) => {
    response.statusCode = status;
    response.setHeader('content-type', 'application/json');
    response.end(body);
  };

  return async (
    request: NodeWebhookRequest,
    response: NodeWebhookResponse,
    next?: (error?: unknown) => void,
  ): Promise<void> => {
    try {
      if (request.method !== undefined && request.method !== 'POST') {
        response.setHeader('allow', 'POST');
        return send(response, 405, JSON.stringify({ error: 'Method not allowed' }));
      }
      let rawBody: Uint8Array | string;
      if (request.body instanceof Uint8Array) rawBody = request.body;
      else if (request.body !== undefined || request.readableEnded) {
        throw new WebhookConfigurationError(
          '@bettermode-kit/webhooks: the request body was already read by a body parser (express.json()?), so its raw bytes, ' +
            'which the signature covers, are gone. Mount the webhook handler before the body parser, or give it express.raw({ type: "application/json" }).',
        );
      } else {
        const chunks: Uint8Array[] = [];
        let size = 0;
        // Past the limit the rest is read and dropped, not left unread: leaving the loop would
        // destroy the request, and the sender would see a reset connection instead of the 413.
        for await (const chunk of request) {
          const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
          size += bytes.length;
          if (size <= maxBodyBytes) chunks.push(bytes);
        }
        if (size > maxBodyBytes) return send(response, 413, JSON.stringify({ error: 'Payload too large' }));
        rawBody = joinChunks(chunks, size);
      }
      const answer = await handleWebhook(prepared, rawBody, request.headers);
      send(response, answer.status, answer.body);
    } catch (error) {
      if (next) return next(error);
      send(
        response,
        500,
        JSON.stringify({
          error: error instanceof WebhookConfigurationError ? error.message : 'The webhook could not be handled',
        }),
      );
    }
  };
}
