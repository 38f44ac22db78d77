export { withoutUrlCredentials } from './without-url-credentials';
