import { expect, test } from 'vitest';
import { withoutValues } from './value-free-errors-plugin';

test('variable errors keep the name and the reason, never the value', () => {
  expect(
    withoutValues(
      'Variable "$input" got invalid value { usernameOrEmail: "a", password: 5 } at "input.password"; String cannot represent a non string value: 5',
      'String cannot represent a non string value: 5',
    ),
  ).toBe('Variable "$input" got invalid value; String cannot represent a non string value.');
  expect(
    withoutValues(
      'Variable "$input" got invalid value { password: "s3cret; at \\"x\\"" }; Field "usernameOrEmail" of required type "String!" was not provided.',
      'Field "usernameOrEmail" of required type "String!" was not provided.',
    ),
  ).toBe('Variable "$input" got invalid value; Field "usernameOrEmail" of required type "String!" was not provided.');
});

test('literal values are cut from the other value messages', () => {
  expect(withoutValues('Expected value of type "String!", found 12345.')).toBe('Expected value of type "String!".');
  expect(withoutValues('Int cannot represent non-integer value: "hunter2"')).toBe(
    'Int cannot represent non-integer value.',
  );
  expect(withoutValues('Value "hunter2" does not exist in "RoleType" enum.')).toBe(
    'Value does not exist in "RoleType" enum.',
  );
  expect(withoutValues('Cannot query field "x" on type "Query".')).toBe('Cannot query field "x" on type "Query".');
});
