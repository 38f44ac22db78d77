/** The prefix of every message, warning and TypeError the client writes, so a reader knows where it came from. */
export const packageName = '@bettermode-kit/client';
