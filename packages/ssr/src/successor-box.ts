/**
 * What the coordination store keeps of a refresh: under a name derived from the spent refresh
 * token, the session that replaced it, sealed (AES-GCM) with a key derived from that same token.
 * The store then holds neither token in the clear: reading a successor takes the refresh token it
 * replaced, which only the holders of the old cookie have.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function derive(purpose: string, refreshToken: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = encoder.encode(`bettermode-kit ssr ${purpose}\u0000${refreshToken}`);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** The name the successor of `refreshToken` is kept under: a hash, never the token. */
export async function successorName(refreshToken: string): Promise<string> {
  return base64url(await derive('successor name', refreshToken));
}

/** Seals `value` (the next session) so that only a holder of `refreshToken` can open it. */
export async function sealSuccessor(refreshToken: string, value: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', await derive('successor key', refreshToken), 'AES-GCM', false, [
    'encrypt',
  ]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(value)));
  return `${base64url(iv)}.${base64url(sealed)}`;
}

/** Opens what {@link sealSuccessor} sealed; null when it was not sealed for `refreshToken`. */
export async function openSuccessor(refreshToken: string, sealed: string): Promise<string | null> {
  const [iv, data] = sealed.split('.');
  if (!iv || !data) return null;
  try {
    const key = await crypto.subtle.importKey('raw', await derive('successor key', refreshToken), 'AES-GCM', false, [
      'decrypt',
    ]);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64url(iv) }, key, fromBase64url(data));
    return decoder.decode(plain);
  } catch {
    return null;
  }
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
