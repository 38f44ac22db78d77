import { expect, test } from 'vitest';
import { withoutUrlCredentials } from './without-url-credentials';

test.each([
  ['https://user:secret@host.example/graphql', 'https://host.example/graphql'],
  ['https://user:2secret@x@host.example/graphql', 'https://host.example/graphql'],
  ['https://:p@ss@word@host.example', 'https://host.example'],
  [
    'fetch failed: Request cannot be constructed from a URL that includes credentials: http://a:b@127.0.0.1:4000/x',
    'fetch failed: Request cannot be constructed from a URL that includes credentials: http://127.0.0.1:4000/x',
  ],
  ['two: http://a:b@one.example and https://c:d@two.example/p', 'two: http://one.example and https://two.example/p'],
  ['https://host.example/path?email=user@example.com', 'https://host.example/path?email=user@example.com'],
  ['no url here, user@example.com', 'no url here, user@example.com'],
])('%s', (input, expected) => {
  expect(withoutUrlCredentials(input)).toBe(expected);
});
