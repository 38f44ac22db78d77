import { createBettermodeClient, type Session } from '@bettermode-kit/client';
import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { createSessionCookies } from '@bettermode-kit/ssr';
import { Suspense, use } from 'react';
import { renderToReadableStream } from 'react-dom/server';
import { useClient } from 'urql';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BettermodeProvider, useQuery, useSession } from './index';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    members: [
      { username: 'ada', email: 'ada@example.com', password: 'ada-password', name: 'Ada', role: 'member' },
      { username: 'grace', email: 'grace@example.com', password: 'grace-password', name: 'Grace', role: 'member' },
    ],
  });
});
afterAll(() => emulator.stop());

async function html(stream: ReadableStream<Uint8Array>): Promise<string> {
  await (stream as ReadableStream & { allReady?: Promise<void> }).allReady;
  return new Response(stream).text();
}

test("two concurrent server renders for two members never see each other's session or urql Client", async () => {
  const sessions = createSessionCookies({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  try {
    const memberSession = async (usernameOrEmail: string, password: string) => {
      const response = await sessions.login(new Request('http://app.example/login', { method: 'POST' }), {
        usernameOrEmail,
        password,
      });
      return ((await response.json()) as { session: Session }).session;
    };
    const [ada, grace] = await Promise.all([
      memberSession('ada', 'ada-password'),
      memberSession('grace', 'grace-password'),
    ]);
    const clients: unknown[] = [];
    // Each render waits on a promise of its own, so the two interleave.
    const gates = new Map<string, Promise<void>>();
    function Who({ gate }: { gate: string }) {
      use(gates.get(gate) as Promise<void>);
      const session = useSession();
      clients.push(useClient());
      const [{ fetching }] = useQuery({ query: AuthMemberDocument });
      return (
        <p>
          {session?.kind === 'member' ? session.member.name : 'guest'} {fetching ? 'fetching' : 'idle'}
        </p>
      );
    }
    const render = (session: Session, gate: string, waitMs: number) => {
      gates.set(gate, new Promise((resolve) => setTimeout(resolve, waitMs)));
      return renderToReadableStream(
        <BettermodeProvider server={{ session: JSON.parse(JSON.stringify(session)) }}>
          <Suspense fallback="…">
            <Who gate={gate} />
          </Suspense>
        </BettermodeProvider>,
      );
    };
    emulator.resetStats();
    const [first, second] = await Promise.all([render(ada, 'a', 30), render(grace, 'g', 10)]);
    const [adaHtml, graceHtml] = await Promise.all([html(first), html(second)]);
    expect(adaHtml).toContain('Ada');
    expect(adaHtml).not.toContain('Grace');
    expect(graceHtml).toContain('Grace');
    expect(graceHtml).not.toContain('Ada');
    // A query on the server waits for the browser (the proxy is the browser's endpoint): nothing sent.
    expect(adaHtml).toContain('fetching');
    expect(emulator.stats().requests).toBe(0);
    expect(new Set(clients).size).toBe(2);
  } finally {
    await sessions.close();
  }
});

test('browser-held: the provider reads the client’s session and follows its changes', async () => {
  const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  try {
    await bm.login({ usernameOrEmail: 'ada', password: 'ada-password' });
    function Who() {
      const session = useSession();
      return <p>{session === undefined ? 'reading' : session?.kind === 'member' ? session.member.name : 'guest'}</p>;
    }
    // On the server no effect runs: the session is unknown until the browser reads it.
    const rendered = await html(
      await renderToReadableStream(
        <BettermodeProvider client={bm}>
          <Who />
        </BettermodeProvider>,
      ),
    );
    expect(rendered).toContain('reading');
  } finally {
    bm.close();
  }
});

test('a hook outside the provider says so', async () => {
  function Lost() {
    useSession();
    return null;
  }
  await expect(renderToReadableStream(<Lost />, { onError: () => undefined })).rejects.toThrow(
    /useSession\(\) must be used inside <BettermodeProvider>/,
  );
});
