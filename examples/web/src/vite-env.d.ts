/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The GraphQL endpoint; Bettermode's own when empty. */
  readonly VITE_BETTERMODE_ENDPOINT?: string;
  /** The community address. */
  readonly VITE_BETTERMODE_NETWORK_DOMAIN?: string;
}
