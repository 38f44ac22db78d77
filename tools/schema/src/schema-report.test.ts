import { buildSchema } from 'graphql';
import { describe, expect, test } from 'vitest';
import { breaksOperations, collectOperationUsage, compareSchemas, formatReport, readOperationFiles } from '@bettermode-kit/codegen-preset/schema';
import { bumpFor } from './schema-changeset';
import { committedSdl, repositoryRoot, schemaVersions } from './testing/schema-versions';

const before = buildSchema(committedSdl);
const usage = collectOperationUsage(before, await readOperationFiles(repositoryRoot));
const check = async (sdl: string) => {
  const changes = await compareSchemas(before, buildSchema(sdl), usage);
  return { changes, exitCode: breaksOperations(changes) ? 1 : 0, bump: bumpFor(changes), report: formatReport(changes, 'fix operations/, then pnpm codegen') };
};

describe('schema:check and the bump each fixture version calls for', () => {
  test('a removed field that AuthMember selects: breaking, exit 1, major', async () => {
    const { changes, exitCode, bump, report } = await check(schemaVersions.removedMemberEmail());
    expect(changes).toEqual([
      {
        level: 'breaking',
        type: 'FIELD_REMOVED',
        message: "Field 'email' was removed from object type 'Member'",
        path: 'Member.email',
        operations: ['operations/member/AuthMember.graphql'],
      },
    ]);
    expect(exitCode).toBe(1);
    expect(bump).toBe('major');
    expect(report).toBe(
      [
        'Breaking (1)',
        "  - Field 'email' was removed from object type 'Member'  <- used by operations/member/AuthMember.graphql",
        '',
        '1 breaking change(s) touch the operations: fix operations/, then pnpm codegen.',
        '',
      ].join('\n'),
    );
  });

  test('a nullable output field made non-null: safe, exit 0, patch; charged through the shared fragment', async () => {
    const { changes, exitCode, bump } = await check(schemaVersions.memberNameNonNull());
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ level: 'safe', path: 'Member.name' });
    expect(changes[0]?.operations).toEqual([
      'operations/auth/AuthTokenFields.graphql',
      'operations/auth/LoginNetwork.graphql',
      'operations/auth/Tokens.graphql',
      // MemberFields, and the operations spreading it directly or through PostFields.
      'operations/content/ContentFragments.graphql',
      'operations/content/CreatePost.graphql',
      'operations/content/CreateReply.graphql',
      'operations/content/Member.graphql',
      'operations/content/Members.graphql',
      'operations/content/Post.graphql',
      'operations/content/Replies.graphql',
      'operations/content/UpdatePost.graphql',
      'operations/member/AuthMember.graphql',
    ]);
    expect(exitCode).toBe(0);
    expect(bump).toBe('patch');
  });

  test('an added field: safe, used by nothing, exit 0, patch', async () => {
    const { changes, exitCode, bump } = await check(schemaVersions.addedMemberField());
    expect(changes).toEqual([expect.objectContaining({ level: 'safe', type: 'FIELD_ADDED', path: 'Member.pronouns', operations: [] })]);
    expect(exitCode).toBe(0);
    expect(bump).toBe('patch');
  });

  test('an added value of an enum the operations select: dangerous, exit 0, minor', async () => {
    const { changes, exitCode, bump, report } = await check(schemaVersions.addedRoleTypeValue());
    expect(changes).toEqual([expect.objectContaining({ level: 'dangerous', type: 'ENUM_VALUE_ADDED', path: 'RoleType.owner' })]);
    expect(changes[0]?.operations).toContain('operations/member/AuthMember.graphql');
    expect(changes[0]?.operations).toContain('operations/auth/Tokens.graphql');
    expect(exitCode).toBe(0);
    expect(bump).toBe('minor');
    expect(report).toContain('Dangerous (1)');
  });

  test('a removed argument that Tokens passes: breaking, exit 1, major', async () => {
    const { changes, exitCode, bump } = await check(schemaVersions.removedTokensNetworkId());
    expect(changes).toEqual([
      expect.objectContaining({ level: 'breaking', type: 'FIELD_ARGUMENT_REMOVED', path: 'Query.tokens.networkId', operations: ['operations/auth/Tokens.graphql'] }),
    ]);
    expect(exitCode).toBe(1);
    expect(bump).toBe('major');
  });

  test('the same schema: no changes, exit 0', async () => {
    const { changes, exitCode, report } = await check(committedSdl);
    expect(changes).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report).toBe('No schema changes.\n');
  });
});
