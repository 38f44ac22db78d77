export { fileStorage } from './file-storage';
