export { fileStorage } from './file-storage';
export type { FileStorageOptions } from './file-storage';
