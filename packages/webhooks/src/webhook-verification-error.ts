/** Why a webhook was refused. */
export type WebhookVerificationReason = 'missing-header' | 'bad-signature' | 'stale' | 'bad-body';

/**
 * A webhook that did not verify. The `reason` is for your logs; answer the sender without it
 * (the handlers answer 401 or 400 with no detail).
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(`@bettermode-kit/webhooks: ${message}`);
  }
}
