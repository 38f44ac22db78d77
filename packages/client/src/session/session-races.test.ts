import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { createBettermodeClient, type BettermodeClient, type Session } from '../index';
import { testMembers } from '../test-support/members';

// Each race runs 200 trials: a client whose 2 s token is due starts a refresh with a query, and the
// user's action (login, logout, login as another member) is called at a random offset around it,
// while the refresh is in flight (the emulator answers after 40 ms). After the action resolves,
// getSession() and the next authMember must agree with it; the server must hold exactly the
// sessions the clients hold.
const trials = 200;
const batch = 50;
const latencyMs = 40;
const members = testMembers(batch);
const others = testMembers(batch, 'other');
const credentials = (member: { username: string; password: string }) => ({
  usernameOrEmail: member.username,
  password: member.password,
});

type Outcome = { expected: 'guest' | string; session: Session | null; authMember: string };

/** Resolves when the client's token is due (within 150 ms of expiry, inside any leeway it uses). */
async function untilDue(bm: BettermodeClient): Promise<void> {
  const session = await bm.getSession();
  await delay(Math.max(0, (session?.expiresAt.getTime() ?? 0) - Date.now() - 150));
}

/** Runs `trial` for `trials` clients in batches, each batch against a fresh emulator; returns the outcomes and server counts. */
async function race(trial: (bm: BettermodeClient, index: number, offset: number) => Promise<string>) {
  const outcomes: Outcome[] = [];
  let heldByServer = 0;
  let heldByClients = 0;
  let refreshes = 0;
  for (let start = 0; start < trials; start += batch) {
    const emulator: Emulator = await startEmulator({
      accessTokenTtlSeconds: 2,
      latencyMs,
      members: [...members, ...others],
    });
    const clients: BettermodeClient[] = [];
    try {
      const results = await Promise.all(
        Array.from({ length: batch }, async (_, index) => {
          const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
          clients.push(bm);
          const offset = Math.round(Math.random() * 2 * latencyMs * 1.5 - latencyMs * 1.5);
          const expected = await trial(bm, index, offset);
          const session = await bm.getSession();
          const authMember = (await bm.query(AuthMemberDocument, {})).authMember.username;
          return { expected, session, authMember };
        }),
      );
      outcomes.push(...results);
      const stats = emulator.stats();
      heldByServer += stats.liveSessions;
      heldByClients += results.filter((outcome) => outcome.session?.kind === 'member').length;
      refreshes += stats.refreshes + (stats.byField.tokens ?? 0);
    } finally {
      for (const bm of clients) bm.close();
      await emulator.stop();
    }
  }
  return { outcomes, heldByServer, heldByClients, refreshes };
}

/** Starts a refresh (a query while the token is due) and runs `action` `offset` ms after it (before it when negative). */
async function aroundRefresh<T>(bm: BettermodeClient, offset: number, action: () => Promise<T>): Promise<T> {
  const refresh = () => bm.query(AuthMemberDocument, {});
  if (offset < 0) {
    const result = action();
    await delay(-offset);
    await refresh();
    return result;
  }
  const query = refresh();
  await delay(offset);
  const result = await action();
  await query;
  return result;
}

const agree = (outcome: Outcome) =>
  outcome.expected === 'guest'
    ? outcome.session === null || (outcome.session.kind === 'guest' && outcome.authMember.startsWith('guest_'))
    : outcome.session?.kind === 'member' &&
      outcome.session.member.username === outcome.expected &&
      outcome.authMember === outcome.expected;

describe(`${trials} trials each at random offsets around a refresh of a 2 s token`, () => {
  test('login during a guest refresh: the login wins', async () => {
    const result = await race(async (bm, index, offset) => {
      await bm.query(AuthMemberDocument, {});
      await untilDue(bm);
      const member = members[index] as (typeof members)[number];
      await aroundRefresh(bm, offset, () => bm.login(credentials(member)));
      return member.username;
    });
    expect(result.outcomes.filter(agree).length).toBe(trials);
    expect(result.heldByServer).toBe(trials);
    expect(result.heldByClients).toBe(trials);
  });

  test('logout during a member refresh: a guest after, no session left on the server', async () => {
    const result = await race(async (bm, index, offset) => {
      await bm.login(credentials(members[index] as (typeof members)[number]));
      await untilDue(bm);
      await aroundRefresh(bm, offset, () => bm.logout());
      return 'guest';
    });
    expect(result.outcomes.filter(agree).length).toBe(trials);
    expect(result.heldByServer).toBe(0);
    expect(result.refreshes).toBeGreaterThan(trials / 2);
  });

  test('login as another member during a member refresh: the new member, the earlier session ended', async () => {
    const result = await race(async (bm, index, offset) => {
      await bm.login(credentials(members[index] as (typeof members)[number]));
      await untilDue(bm);
      const other = others[index] as (typeof others)[number];
      await aroundRefresh(bm, offset, () => bm.login(credentials(other)));
      return other.username;
    });
    expect(result.outcomes.filter(agree).length).toBe(trials);
    expect(result.heldByServer).toBe(trials);
    expect(result.heldByClients).toBe(trials);
  });
});
