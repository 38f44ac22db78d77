export { createBettermodeAppClient } from './create-bettermode-app-client';
export { fileStorage } from './file-storage';
export type { BettermodeAppClient, BettermodeAppClientOptions } from './create-bettermode-app-client';
export type { FileStorageOptions } from './file-storage';
