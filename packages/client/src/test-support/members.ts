import type { EmulatorMember } from '@bettermode-kit/emulator';

/** `count` members of one role for tests that need many: `member0` … with passwords `race-password-0` …. */
export function testMembers(count: number, prefix = 'member'): EmulatorMember[] {
  return Array.from({ length: count }, (_, index) => ({
    username: `${prefix}${index}`,
    email: `${prefix}${index}@example.com`,
    password: `race-password-${index}`,
    name: `${prefix} ${index}`,
    role: 'member' as const,
  }));
}
