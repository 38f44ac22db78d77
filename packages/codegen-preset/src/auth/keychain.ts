import { randomBytes } from 'node:crypto';

const service = 'bettermode-kit';

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux)
 * through @napi-rs/keyring. It keeps one secret per stored session: the key its session file is
 * sealed with. Null when there is no keychain to use here (a headless box with no Secret Service).
 */
export async function keychainKey(accountId: string, create: boolean): Promise<Buffer | null> {
  try {
    const { Entry } = await import('@napi-rs/keyring');
    const entry = new Entry(service, accountId);
    const stored = entry.getPassword();
    if (stored) return Buffer.from(stored, 'base64url');
    if (!create) return null;
    const key = randomBytes(32);
    entry.setPassword(key.toString('base64url'));
    // Read back: a keychain that accepts a write it cannot return is no keychain.
    return entry.getPassword() === key.toString('base64url') ? key : null;
  } catch {
    return null;
  }
}

/** Removes a session's key from the keychain (nothing when there is none). */
export async function forgetKeychainKey(accountId: string): Promise<void> {
  try {
    const { Entry } = await import('@napi-rs/keyring');
    new Entry(service, accountId).deletePassword();
  } catch {
    // Nothing stored, or no keychain: nothing to remove.
  }
}
