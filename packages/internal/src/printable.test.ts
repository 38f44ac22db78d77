import { expect, test } from 'vitest';
import { printable } from './printable';

test('escape sequences, carriage returns and other control characters become ?; text and tabs stay', () => {
  expect(printable('\u001b[2J\u001b[31mowned\u001b[0m')).toBe('?[2J?[31mowned?[0m');
  expect(printable('ok\rfake line\u0007\u009b')).toBe('ok?fake line??');
  expect(printable('multi\nline')).toBe('multi?line');
  expect(printable('tab\tand unicode: é ✓')).toBe('tab\tand unicode: é ✓');
});
