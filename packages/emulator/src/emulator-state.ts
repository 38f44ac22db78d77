import { hashPassword, type PasswordHash } from './password-hasher';
import { createHash } from 'node:crypto';
import {
  emulatorRoles,
  randomId,
  type EmulatorApp,
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

/** An app as the emulator stores it: the secret only as a hash; its bot is a member of the network. */
export interface StoredApp {
  clientId: string;
  name: string;
  secretHash: PasswordHash;
  installedOn: ReadonlySet<string>;
  bot: StoredMember;
}

/** The network, its members (bots included, by id) looked up by lower-cased username or email, and the apps. */
export interface EmulatorState {
  network: EmulatorNetwork;
  membersById: Map<string, StoredMember>;
  apps: Map<string, StoredApp>;
  membersByLogin: Map<string, StoredMember>;
  /** Compared against when the login is unknown, so an unknown member costs as much as a known one. */
  decoyHash: PasswordHash;
}

/** Hashes the seed members' passwords and the apps' secrets and indexes them; the plain values are not kept. */
export async function createEmulatorState(
  network: EmulatorNetwork,
  members: readonly EmulatorMember[],
  apps: readonly EmulatorApp[] = [],
): Promise<EmulatorState> {
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
  const decoyHash = await hashPassword(randomId(24));
  const storedApps = new Map<string, StoredApp>();
  for (const app of apps) {
    if (storedApps.has(app.clientId))
      throw new Error(`@bettermode-kit/emulator: two apps share the clientId "${app.clientId}"`);
    const name = app.name ?? 'Emulator App';
    // A bot account per app, with an id derived from the client id so it is the same at every start.
    const botId = `BOT${createHash('sha256').update(app.clientId).digest('hex').slice(0, 7)}`;
    const bot: StoredMember = {
      id: botId,
      username: `${app.clientId}-bot`,
      email: `${app.clientId}-bot@apps.invalid`,
      name: `${name} Bot`,
      role: emulatorRoles.admin,
      passwordHash: decoyHash,
      createdAt,
    };
    storedApps.set(app.clientId, {
      clientId: app.clientId,
      name,
      secretHash: await hashPassword(app.clientSecret),
      installedOn: new Set(app.installedOn ?? [network.id]),
      bot,
    });
  }
  const membersById = new Map(stored.map((member) => [member.id, member]));
  for (const app of storedApps.values()) membersById.set(app.bot.id, app.bot);
  return { network, membersById, membersByLogin, apps: storedApps, decoyHash };
}
