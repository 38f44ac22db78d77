import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, for tests. */
export const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The committed schema. */
export const committedSdl = readFileSync(`${repositoryRoot}schema/bettermode.graphql`, 'utf8');

/** Applies one textual edit inside one type's block of the committed schema; throws when it does not apply. */
export function editType(header: string, edit: (block: string) => string, sdl = committedSdl): string {
  const start = sdl.indexOf(`\n${header}`);
  const end = sdl.indexOf('\n}\n', start);
  if (start < 0 || end < 0) throw new Error(`no "${header}" in the schema`);
  const block = sdl.slice(start, end);
  const edited = edit(block);
  if (edited === block) throw new Error(`the edit of "${header}" changed nothing`);
  return sdl.slice(0, start) + edited + sdl.slice(end);
}

/** The fixture schema versions the drill is tested with. */
export const schemaVersions = {
  removedMemberEmail: () => editType('type Member {', (block) => block.replace('\n  email: String\n', '\n')),
  memberNameNonNull: () => editType('type Member {', (block) => block.replace('\n  name: String\n', '\n  name: String!\n')),
  addedMemberField: () => editType('type Member {', (block) => block.replace('\n  name: String\n', '\n  name: String\n  pronouns: String\n')),
  addedRoleTypeValue: () => editType('enum RoleType {', (block) => block.replace('\n  moderator', '\n  moderator\n  owner')),
  removedTokensNetworkId: () => editType('type Query {', (block) => block.replace('tokens(networkDomain: String, networkId: ID, ', 'tokens(networkDomain: String, ')),
};
