// The walkthrough of Bettermode's access-token document: guest token, login, authMember, logout.
// Runs against the embedded emulator, or a real community when BETTERMODE_ENDPOINT is set.
import { createBettermodeClient, memoryStorage } from '@bettermode-kit/client';
import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';

interface Target {
  endpoint: string;
  networkDomain: string;
  usernameOrEmail: string;
  password: string;
  label: string;
}

const settings = [
  'BETTERMODE_ENDPOINT',
  'BETTERMODE_NETWORK_DOMAIN',
  'BETTERMODE_USERNAME',
  'BETTERMODE_PASSWORD',
] as const;

async function target(): Promise<{ target: Target; emulator?: Emulator }> {
  // Any of the four set (even to nothing) means a real community: then all four are needed.
  if (settings.some((name) => process.env[name] !== undefined)) {
    const missing = settings.filter((name) => !process.env[name]?.trim());
    if (missing.length > 0)
      throw new QuickstartError(
        `a real community needs all of ${settings.join(', ')}; missing or empty: ${missing.join(', ')}`,
      );
    const endpoint = process.env.BETTERMODE_ENDPOINT as string;
    return {
      target: {
        endpoint,
        networkDomain: process.env.BETTERMODE_NETWORK_DOMAIN as string,
        usernameOrEmail: process.env.BETTERMODE_USERNAME as string,
        password: process.env.BETTERMODE_PASSWORD as string,
        // The client refuses an endpoint carrying a password before this is printed.
        label: endpoint,
      },
    };
  }
  const emulator = await startEmulator();
  return {
    emulator,
    target: {
      endpoint: emulator.url,
      networkDomain: emulator.networkDomain,
      usernameOrEmail: 'bettermodeuser',
      password: 'bettermodepassword',
      label: `the embedded emulator (${emulator.url})`,
    },
  };
}

/** A problem with the settings: printed without a class name. */
class QuickstartError extends Error {}

/** The first 8 characters and an ellipsis: enough to tell tokens apart, too little to use one. */
const redacted = (token: string) => `${token.slice(0, 8)}…`;

async function main() {
  const { target: to, emulator } = await target();
  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests += 1;
    return fetch(input, init);
  };
  const storage = memoryStorage();
  const bm = createBettermodeClient({
    endpoint: to.endpoint,
    networkDomain: to.networkDomain,
    storage,
    fetch: countingFetch,
  });
  // The stored entry is the client's own envelope: { v, reason, session: { accessToken, … } }.
  const accessToken = async () =>
    (JSON.parse((await storage.read()).value ?? '{}') as { session?: { accessToken?: string } }).session?.accessToken ??
    '';
  const step = async (title: string, work: () => Promise<string>) => {
    const before = requests;
    const summary = await work();
    const made = requests - before;
    console.log(`${title.padEnd(14)} ${summary}  [${made} HTTP request${made === 1 ? '' : 's'}]`);
  };

  console.log(`bettermode-kit quickstart: ${to.label}, network ${to.networkDomain}\n`);
  try {
    await step('1. guest', async () => {
      const { networkPublicInfo } = await bm.query(NetworkPublicInfoDocument, {});
      const session = await bm.getSession();
      const scopes = session?.role.scopes ?? [];
      return `token ${redacted(await accessToken())}  role ${session?.role.name}, ${scopes.length} scopes (${scopes.join(', ')}); network "${networkPublicInfo.name}"`;
    });
    await step('2. login', async () => {
      const session = await bm.login({ usernameOrEmail: to.usernameOrEmail, password: to.password });
      return `token ${redacted(await accessToken())}  ${session.member.name}, role ${session.role.name} (scopes ${session.role.scopes.join(', ')})`;
    });
    await step('3. authMember', async () => {
      const { authMember } = await bm.query(AuthMemberDocument, {});
      return `${authMember.name} (@${authMember.username}${authMember.email ? `, ${authMember.email}` : ''}), ${authMember.status}`;
    });
    await step('4. logout', async () => {
      await bm.logout();
      const session = await bm.getSession();
      return `session revoked on the server; ${session ? `now ${session.kind}` : 'the next operation gets a guest token'}`;
    });
    console.log(`\n${requests} HTTP requests in all.`);
  } finally {
    bm.close();
    await emulator?.stop();
  }
}

main().catch((error: unknown) => {
  const reason =
    error instanceof QuickstartError
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  console.error(`quickstart failed: ${reason}`);
  process.exitCode = 1;
});
