import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';

const keyLength = 32;

function derive(password: BinaryLike, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A stored password: an scrypt hash and its salt, never the password itself. */
export interface PasswordHash {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Hashes a password with scrypt and a random salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  return { salt, hash: await derive(password, salt) };
}

/** Compares a password with a stored hash in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const candidate = await derive(password, stored.salt);
  return timingSafeEqual(candidate, stored.hash);
}
