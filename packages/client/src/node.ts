export { createBettermodeAppClient } from './create-bettermode-app-client';
export { fileStorage } from './storage/file-storage';
export type { BettermodeAppClient, BettermodeAppClientOptions } from './create-bettermode-app-client';
export type { FileStorageOptions } from './storage/file-storage';
