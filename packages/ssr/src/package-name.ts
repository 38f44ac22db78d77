/** Put before every message of this package. */
export const packageName = '@bettermode-kit/ssr';
