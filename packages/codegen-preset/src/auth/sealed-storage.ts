import type { SessionStorage } from '@bettermode-kit/client';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A storage whose values are sealed (AES-256-GCM) with a key kept elsewhere (the OS keychain):
 * the file holds no usable token, and sharing between shells (versions, the lease) is the inner
 * storage's. A value that does not open with the key reads as no session.
 */
export function sealedStorage(inner: SessionStorage, key: Buffer): SessionStorage {
  return {
    useCommunity: (community) => inner.useCommunity?.(community),
    async read() {
      const entry = await inner.read();
      return { ...entry, value: entry.value === null ? null : open(entry.value, key) };
    },
    write: (value, expectedVersion) => inner.write(seal(value, key), expectedVersion),
    lock: () => inner.lock(),
    subscribe: (listener) => inner.subscribe(listener),
  };
}

function seal(value: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `sealed:v1.${iv.toString('base64url')}.${data.toString('base64url')}`;
}

function open(sealed: string, key: Buffer): string | null {
  const match = /^sealed:v1\.([\w-]+)\.([\w-]+)$/.exec(sealed);
  if (!match) return null;
  try {
    const data = Buffer.from(match[2] as string, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(match[1] as string, 'base64url'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
