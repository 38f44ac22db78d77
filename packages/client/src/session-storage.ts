/**
 * Where the client keeps its session (tokens included) between runs. Values are opaque
 * strings; the client parses and checks them.
 */
export interface SessionStorage {
  /** The stored value, or null when there is none. May throw when it cannot be read. */
  read(): Promise<string | null> | string | null;
  write(value: string): Promise<void> | void;
  remove(): Promise<void> | void;
}
