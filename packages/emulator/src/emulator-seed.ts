import { randomBytes } from 'node:crypto';

/** A member role the emulator knows; each maps to a Bettermode role with its scopes. */
export type EmulatorRoleName = 'admin' | 'moderator' | 'member';

/** A member the emulator accepts at `loginNetwork`. */
export interface EmulatorMember {
  username: string;
  email: string;
  password: string;
  name: string;
  role: EmulatorRoleName;
  /** @defaultValue a random 10-character id */
  id?: string;
}

/** An app that can mint access tokens with `limitedToken` (HTTP Basic `clientId:clientSecret`). */
export interface EmulatorApp {
  clientId: string;
  clientSecret: string;
  /** @defaultValue 'Emulator App' */
  name?: string;
  /** Network ids the app is installed on; elsewhere `limitedToken` answers Forbidden. @defaultValue the emulator's network */
  installedOn?: readonly string[];
}

/** The community the emulator serves. */
export interface EmulatorNetwork {
  id: string;
  name: string;
  domain: string;
  visibility: 'public' | 'private';
  membership: 'open' | 'inviteOnly';
}

/** A Bettermode role as the API returns it. */
export interface EmulatorRole {
  id: string;
  name: string;
  type: 'admin' | 'moderator' | 'member' | 'guest';
  scopes: string[];
  description: string | null;
  visible: boolean;
}

/** Exactly the scopes Bettermode's access-token document lists for a guest. */
export const guestScopes: readonly string[] = [
  'network:login',
  'network:view',
  'role:view',
  'member:view:all',
  'member:verify',
  'network:join',
  'network:join:withToken',
  'network:join:withLink',
];

/** The roles of the emulated network, by type. */
export const emulatorRoles: Readonly<Record<EmulatorRole['type'], EmulatorRole>> = {
  admin: { id: 'roleAdmin01', name: 'Admin', type: 'admin', scopes: ['*'], description: null, visible: true },
  moderator: {
    id: 'roleModer01',
    name: 'Moderator',
    type: 'moderator',
    scopes: [...guestScopes, 'member:update', 'post:moderate', 'space:view'],
    description: null,
    visible: true,
  },
  member: {
    id: 'roleMembr01',
    name: 'Member',
    type: 'member',
    scopes: [...guestScopes, 'post:create', 'space:view'],
    description: null,
    visible: true,
  },
  guest: {
    id: 'roleGuest01',
    name: 'Guest',
    type: 'guest',
    scopes: [...guestScopes],
    description: null,
    visible: false,
  },
};

/** The network of Bettermode's access-token document. */
export const defaultNetwork: EmulatorNetwork = {
  id: 'NtT0FkLxxi',
  name: 'Bettermode Community',
  domain: 'community.bettermode.io',
  visibility: 'public',
  membership: 'open',
};

/** The member of Bettermode's access-token document. */
export const defaultMembers: readonly EmulatorMember[] = [
  {
    id: '9FWKl7Y1rB',
    username: 'bettermodeuser',
    email: 'bettermodeuser@example.com',
    password: 'bettermodepassword',
    name: 'John Smith',
    role: 'admin',
  },
];

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random id in Bettermode's style (letters and digits). */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const byte of bytes) id += idAlphabet[byte % idAlphabet.length];
  return id;
}

/** The app every emulator knows unless told otherwise, installed on its network. */
export const defaultApps: readonly EmulatorApp[] = [
  { clientId: 'emulator-app', clientSecret: 'emulator-app-secret', name: 'Emulator App' },
];
