export { printable } from './printable';
export { withoutUrlCredentials } from './without-url-credentials';
