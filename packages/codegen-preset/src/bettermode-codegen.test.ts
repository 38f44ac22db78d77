import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { bettermodeCodegen, runCodegen } from './index';

let app: string;
beforeEach(async () => {
  app = await mkdtemp(join(tmpdir(), 'bettermode-app-'));
});
afterEach(async () => {
  await rm(app, { recursive: true, force: true });
});

test("an app's own operations, one spreading the kit's AuthTokenFields fragment, get typed documents", async () => {
  await writeFile(
    join(app, 'profile.graphql'),
    'query MyProfile {\n  authMember {\n    id\n    name\n    username\n    role { name }\n  }\n}\n',
  );
  await writeFile(
    join(app, 'refresh.graphql'),
    'query MyRefresh($token: String!) {\n  tokens(refreshToken: $token) {\n    ...AuthTokenFields\n  }\n}\n',
  );
  const run = await runCodegen({
    cwd: app,
    config: bettermodeCodegen({ documents: '*.graphql', outputDir: 'generated' }),
  });
  expect(run).toEqual({ ok: true, lines: ['Generated generated/graphql.ts'] });
  const generated = await readFile(join(app, 'generated/graphql.ts'), 'utf8');
  expect(generated).toContain(
    'export type MyProfileQuery = { authMember: { id: string, name: string | null, username: string, role: { name: string } | null } };',
  );
  expect(generated).toMatch(
    /export const MyProfileDocument = .* as unknown as DocumentNode<MyProfileQuery, MyProfileQueryVariables>;/,
  );
  expect(generated).toContain('export type MyRefreshQueryVariables = Exact<{\n  token: string;\n}>;');
  expect(generated).toMatch(/export const AuthTokenFieldsFragmentDoc = /);
});

test('a field the schema lacks: one line naming it and the file, relative, and no success line', async () => {
  await writeFile(join(app, 'broken.graphql'), 'query Broken {\n  authMember {\n    id\n    favouriteColour\n  }\n}\n');
  const run = await runCodegen({
    cwd: app,
    config: bettermodeCodegen({ documents: '*.graphql', outputDir: 'generated' }),
  });
  expect(run).toEqual({
    ok: false,
    lines: ['Cannot query field "favouriteColour" on type "Member". at broken.graphql:4:5'],
  });
});

test('misconfiguration throws at once', () => {
  expect(() => bettermodeCodegen({ documents: [], outputDir: 'x' })).toThrow(
    /^@bettermode-kit\/codegen-preset: documents are required/,
  );
  expect(() => bettermodeCodegen({ documents: 'a', outputDir: '' })).toThrow(/outputDir is required/);
});
