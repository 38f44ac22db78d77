import { parse } from '@0no-co/graphql.web';
import { buildSchema, getNamedType, isObjectType, type GraphQLNamedType } from 'graphql';
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { refusedFieldsOf, refusedRootFields } from './token-fields';

const schema = buildSchema(readFileSync(new URL('../../../schema/bettermode.graphql', import.meta.url), 'utf8'));

/** Whether a type holds an access or refresh token, itself or `depth` object fields down. */
function carriesToken(type: GraphQLNamedType, depth: number): boolean {
  if (!isObjectType(type)) return false;
  return Object.values(type.getFields()).some(
    (field) =>
      field.name === 'accessToken' ||
      field.name === 'refreshToken' ||
      (depth > 0 && carriesToken(getNamedType(field.type), depth - 1)),
  );
}

test("every root field of Bettermode's schema that answers with a token is refused by the proxy", () => {
  const issuing: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (carriesToken(getNamedType(field.type), 2)) issuing.push(field.name);
    }
  }
  expect(issuing.length).toBeGreaterThan(10);
  expect(issuing.filter((name) => !refusedRootFields.has(name))).toEqual([]);
  // Besides: the session transitions (a login that answers with a one-time code, the logout).
  expect([...refusedRootFields].filter((name) => !issuing.includes(name))).toEqual([
    'impersonateLoginToNetwork',
    'logoutNetwork',
  ]);
});

test('refused fields are found behind aliases, fragments and inline fragments', () => {
  expect(refusedFieldsOf(parse('{ authMember { id } }'))).toEqual([]);
  expect(refusedFieldsOf(parse('{ t: tokens { accessToken } }'))).toEqual(['tokens']);
  expect(
    refusedFieldsOf(
      parse('query { ... on Query { limitedToken(context: NETWORK, entityId: "1", networkId: "1") { accessToken } } }'),
    ),
  ).toEqual(['limitedToken']);
  expect(
    refusedFieldsOf(
      parse('query { ...A } fragment A on Query { ...B } fragment B on Query { getTokens { accessToken } }'),
    ),
  ).toEqual(['getTokens']);
  expect(refusedFieldsOf(parse('mutation { logoutNetwork { status } }'))).toEqual(['logoutNetwork']);
});
