export { startEmulator } from './start-emulator';
export { EmulatorErrorCode } from './emulator-error-codes';
export { defaultApps, defaultMembers, defaultNetwork, guestScopes } from './emulator-seed';
export type { Emulator, EmulatorOptions } from './start-emulator';
export type { EmulatorStats } from './emulator-stats';
export type { EmulatorApp, EmulatorMember, EmulatorNetwork, EmulatorRoleName } from './emulator-seed';
export type { RateLimit } from './rate-limit-plugin';
export type {
  EmulatorWebhook,
  WebhookChallengeResult,
  WebhookDeliveryOptions,
  WebhookPerson,
} from './webhooks/webhook-sender';
export type { LoginRateLimit } from './login-rate-limiter';
export type { CommunityFixture, FixturePost, FixtureSpace, GeneratedCommunitySizes } from './content/community-fixture';
