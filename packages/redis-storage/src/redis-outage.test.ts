import { createBettermodeClient, SessionExpiredError, type BettermodeClient } from '@bettermode-kit/client';
import { startEmulator, type EmulatorMember } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { expect, test, vi } from 'vitest';
import { startRedisServer } from '../../../testing/redis-server';
import { redisStorage, type RedisSessionStorage } from './index';

/**
 * What each holder does while Redis is down: `busy` holders keep querying (and so refresh on
 * their own, in memory, at every expiry); `idle` ones do nothing until Redis is back.
 */
const patterns = {
  'one holder refreshing during the outage': ['busy', 'idle'],
  'both idle during the outage': ['idle', 'idle'],
  'both busy during the outage': ['busy', 'busy'],
} as const;
type Pattern = keyof typeof patterns;

const trials = Number(process.env.OUTAGE_TRIALS ?? 20);
const outageMs = 6500;
const afterMs = 6000;

interface HolderReport {
  errors: string[];
  sessionExpired: number;
  answers: number;
}

/**
 * One pattern, `trials` pairs of holders side by side on one Redis (each pair a member and a key of
 * its own, starting at a random moment so the expiry falls anywhere around the outage), 2 s
 * tokens; Redis stopped for 6.5 s and started again, empty.
 */
async function runPattern(pattern: Pattern) {
  const members: EmulatorMember[] = Array.from({ length: trials }, (_, index) => ({
    username: `outage${index}`,
    email: `outage${index}@example.com`,
    password: `outage-password-${index}`,
    name: `Outage ${index}`,
    role: 'member',
  }));
  const server = await startRedisServer();
  const emulator = await startEmulator({ accessTokenTtlSeconds: 2, members });
  const storages: RedisSessionStorage[] = [];
  const clients: BettermodeClient[] = [];
  const phase = { down: false, over: false };
  try {
    const pairs = await Promise.all(
      members.map(async (member) => {
        const key = `outage:${randomBytes(6).toString('hex')}`;
        const pair = [0, 1].map(() => {
          const storage = redisStorage({ url: server.url, key });
          storages.push(storage);
          const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain, storage });
          clients.push(bm);
          return bm;
        });
        await delay(Math.random() * 2000);
        await pair[0]?.login({ usernameOrEmail: member.username, password: member.password });
        return pair;
      }),
    );
    const runs = pairs.flatMap((pair) =>
      pair.map(async (bm, index): Promise<HolderReport> => {
        const report: HolderReport = { errors: [], sessionExpired: 0, answers: 0 };
        const during = patterns[pattern][index];
        while (!phase.over) {
          if (!phase.down || during === 'busy') {
            try {
              await bm.query(AuthMemberDocument, {});
              report.answers += 1;
            } catch (error) {
              if (error instanceof SessionExpiredError) report.sessionExpired += 1;
              report.errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
            }
          }
          await delay(150 + Math.random() * 100);
        }
        return report;
      }),
    );
    await delay(2000);
    await server.stop();
    phase.down = true;
    await delay(outageMs);
    await server.start();
    phase.down = false;
    await delay(afterMs);
    phase.over = true;
    const reports = await Promise.all(runs);
    const finalUsers = await Promise.all(
      clients.map(async (bm) => {
        try {
          return (await bm.query(AuthMemberDocument, {})).authMember.username;
        } catch (error) {
          return error instanceof Error ? error.name : 'error';
        }
      }),
    );
    return {
      reports,
      members: finalUsers,
      stats: emulator.stats(),
      expected: members.flatMap((m) => [m.username, m.username]),
    };
  } finally {
    for (const bm of clients) bm.close();
    for (const storage of storages) await storage.close();
    await emulator.stop();
    await server.stop();
  }
}

test(`Redis stopped for 6.5 s and started again empty, ${trials} trials of each of 3 patterns: no session lost or revoked`, async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const results = await Promise.all(
    (Object.keys(patterns) as Pattern[]).map(async (pattern) => [pattern, await runPattern(pattern)] as const),
  );
  const summaries = results.map(([pattern, result]) => ({
    pattern,
    sessionExpired: result.reports.reduce((sum, report) => sum + report.sessionExpired, 0),
    errors: result.reports.flatMap((report) => report.errors).slice(0, 5),
    revokedByReuse: result.stats.revokedByReuse,
    notMembers: result.members.filter((name, index) => name !== result.expected[index]).length,
    answered: result.reports.every((report) => report.answers > 0),
  }));
  expect(summaries).toEqual(
    results.map(([pattern]) => ({
      pattern,
      sessionExpired: 0,
      errors: [],
      revokedByReuse: 0,
      notMembers: 0,
      answered: true,
    })),
  );
});
