export { verifyWebhook, signatureHeader, timestampHeader, defaultToleranceMs } from './verify-webhook';
export { createWebhookHandler } from './create-webhook-handler';
export { nodeWebhookHandler, WebhookConfigurationError } from './node-webhook-handler';
export { memoryDedupeStore } from './dedupe-store';
export { WebhookVerificationError } from './webhook-verification-error';
export type { VerifyWebhookOptions } from './verify-webhook';
export type { WebhookHandlerOptions } from './handle-webhook';
export type { NodeWebhookHandlerOptions, NodeWebhookRequest, NodeWebhookResponse } from './node-webhook-handler';
export type { ClaimResult, DedupeStore, MemoryDedupeStoreOptions } from './dedupe-store';
export type { WebhookVerificationReason } from './webhook-verification-error';
export type {
  WebhookChallengeData,
  WebhookEnvelope,
  WebhookEvent,
  WebhookMember,
  WebhookSubscriptionData,
} from './webhook-event';
