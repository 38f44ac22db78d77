import { parseStoredSession, toSession, type Session, type SessionChangeReason, type StoredSession } from './session';
import type { SessionStorage } from './session-storage';

/** Called whenever the session changes; null means no session. */
export type SessionChangeListener = (session: Session | null, reason: SessionChangeReason) => void;

/**
 * Holds the current session, loads it from storage once, and saves every change before it is
 * used again (a rotated refresh token is on disk before the next refresh can need it).
 */
export class SessionKeeper {
  #current: StoredSession | null = null;
  #loading: Promise<StoredSession | null> | undefined;

  constructor(
    private readonly storage: SessionStorage,
    private readonly onChange: SessionChangeListener | undefined,
  ) {}

  get current(): StoredSession | null {
    return this.#current;
  }

  /** Loads the stored session on the first call; a corrupt or unreadable one counts as none, with one warning. */
  load(): Promise<StoredSession | null> {
    this.#loading ??= (async () => {
      let text: string | null;
      try {
        text = await this.storage.read();
      } catch {
        warn('the stored session could not be read; starting without one');
        return null;
      }
      if (text === null) return null;
      const stored = parseStoredSession(text);
      if (!stored) warn('the stored session is not valid; starting without one');
      this.#current ??= stored;
      return this.#current;
    })();
    return this.#loading;
  }

  async set(next: StoredSession | null, reason: SessionChangeReason): Promise<void> {
    this.#current = next;
    try {
      if (next) await this.storage.write(JSON.stringify(next));
      else await this.storage.remove();
    } catch {
      // The session still works in memory; only persistence failed.
      warn('the session could not be saved to its storage');
    }
    this.onChange?.(next ? toSession(next) : null, reason);
  }

  /** The current token values, to keep out of any message. */
  secrets(): string[] {
    return this.#current ? [this.#current.accessToken, this.#current.refreshToken] : [];
  }
}

function warn(message: string): void {
  console.warn(`@bettermode-kit/client: ${message}`);
}
