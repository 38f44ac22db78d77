import { hashPassword, type PasswordHash } from './password-hasher';
import {
  emulatorRoles,
  randomId,
  type EmulatorMember,
  type EmulatorNetwork,
  type EmulatorRole,
} from './emulator-seed';

/** A member as the emulator stores it: the password only as a hash. */
export interface StoredMember {
  id: string;
  username: string;
  email: string;
  name: string;
  role: EmulatorRole;
  passwordHash: PasswordHash;
  createdAt: string;
}

/** The network and its members, looked up by lower-cased username or email. */
export interface EmulatorState {
  network: EmulatorNetwork;
  membersById: Map<string, StoredMember>;
  membersByLogin: Map<string, StoredMember>;
  /** Compared against when the login is unknown, so an unknown member costs as much as a known one. */
  decoyHash: PasswordHash;
}

/** Hashes the seed members' passwords and indexes them; the plain passwords are not kept. */
export async function createEmulatorState(network: EmulatorNetwork, members: readonly EmulatorMember[]): Promise<EmulatorState> {
  const createdAt = new Date().toISOString();
  const stored = await Promise.all(
    members.map(async (member): Promise<StoredMember> => ({
      id: member.id ?? randomId(10),
      username: member.username,
      email: member.email,
      name: member.name,
      role: emulatorRoles[member.role],
      passwordHash: await hashPassword(member.password),
      createdAt,
    })),
  );
  const membersByLogin = new Map<string, StoredMember>();
  for (const member of stored) {
    for (const login of [member.username, member.email]) {
      const key = login.toLowerCase();
      if (membersByLogin.has(key)) {
        throw new Error(`@bettermode-kit/emulator: two members share the username or email "${login}"`);
      }
      membersByLogin.set(key, member);
    }
  }
  return {
    network,
    membersById: new Map(stored.map((member) => [member.id, member])),
    membersByLogin,
    decoyHash: await hashPassword(randomId(24)),
  };
}
