export { sessionStorageConformance } from './storage/session-storage-conformance';
export type { ConformanceCheck, OpenHolder } from './storage/session-storage-conformance';
