'use client';

import type { Session as MemberSession } from '@bettermode-kit/client';
import { BettermodeProvider } from '@bettermode-kit/react';
import { LoginForm } from './login-form';
import { MemberPanel } from './member-panel';
import { useSession } from '@bettermode-kit/react';

/** The interactive part: a provider on the server-held session (it never sees a token). */
export function Session({ session }: { session: MemberSession | null }) {
  return (
    <BettermodeProvider server={{ basePath: '/api/bettermode', session }}>
      <SessionView />
    </BettermodeProvider>
  );
}

function SessionView() {
  const session = useSession();
  return (
    <>
      {session?.kind === 'member' ? <MemberPanel key={session.member.id} /> : <LoginForm />}
      <footer className="muted" data-testid="session-kind">
        {session?.kind === 'member' ? `Signed in as ${session.member.name}` : 'Browsing as a guest'}
      </footer>
    </>
  );
}
