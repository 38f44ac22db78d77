import type { EmulatorNetwork, EmulatorRole } from './emulator-seed';
import { emulatorRoles } from './emulator-seed';
import type { StoredMember } from './emulator-state';

function sessionObject(id: string) {
  const now = new Date().toISOString();
  return {
    id,
    active: true,
    createdAt: now,
    lastActivityAt: now,
    ip: '127.0.0.1',
    country: null,
    deviceBrand: null,
    os: null,
    osVersion: null,
  };
}

/** The Member fields every member object has, guest or not. */
export function memberBase(
  person: { id: string; name: string; username: string; email: string | null; role: EmulatorRole; createdAt: string },
  network: EmulatorNetwork,
) {
  return {
    ...person,
    displayName: person.name,
    roleId: person.role.id,
    networkId: network.id,
    locale: 'en-US',
    attributes: { locale: 'en-US' },
    teammate: false,
    overrideTeammate: false,
    updatedAt: person.createdAt,
    tagline: null,
    profilePicture: null,
    profilePictureId: null,
  };
}

/** A member as `authMember` and `loginNetwork` serve it: with the session of the token. */
export function memberObject(member: StoredMember, network: EmulatorNetwork, sessionId: string) {
  // Picked field by field: the stored member also holds the password hash, which must never be served.
  const { id, name, username, email, role, createdAt } = member;
  return {
    ...memberBase({ id, name, username, email, role, createdAt }, network),
    status: 'VERIFIED',
    verifiedAt: createdAt,
    activeSession: sessionObject(sessionId),
  };
}

/** A guest as `authMember` serves it. */
export function guestObject(id: string, network: EmulatorNetwork) {
  const person = {
    id,
    name: 'Guest',
    username: id.toLowerCase(),
    email: null,
    role: emulatorRoles.guest,
    createdAt: new Date().toISOString(),
  };
  return { ...memberBase(person, network), status: 'UNVERIFIED', verifiedAt: null, activeSession: null };
}
