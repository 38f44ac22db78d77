/** The prefix of every error message and warning this package writes. */
export const packageName = '@bettermode-kit/redis-storage';
