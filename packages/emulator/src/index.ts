export { startEmulator } from './start-emulator';
export { EmulatorErrorCode } from './emulator-error-codes';
export { defaultMembers, defaultNetwork, guestScopes } from './emulator-seed';
export type { Emulator, EmulatorOptions } from './start-emulator';
export type { EmulatorStats } from './emulator-stats';
export type { EmulatorMember, EmulatorNetwork, EmulatorRoleName } from './emulator-seed';
export type { LoginRateLimit } from './login-rate-limiter';
