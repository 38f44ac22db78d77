'use client';

import { AuthMemberDocument } from '@bettermode-kit/operations';
import { useLogout, useQuery } from '@bettermode-kit/react';
import { useRouter } from 'next/navigation';

/** Queried from the browser, through the app's GraphQL proxy: the proxy holds the token. */
export function MemberPanel() {
  const [{ data, error }] = useQuery({ query: AuthMemberDocument, requestPolicy: 'network-only' });
  const { logout, pending } = useLogout();
  const router = useRouter();
  const member = data?.authMember;
  return (
    <section data-testid="member-view">
      <h2 data-testid="member-name">{member?.name ?? '…'}</h2>
      {member && (
        <dl>
          <dt>Username</dt>
          <dd data-testid="member-username">@{member.username}</dd>
          <dt>Role</dt>
          <dd data-testid="member-role">{member.role?.name ?? 'none'}</dd>
        </dl>
      )}
      {error && (
        <p role="alert" data-testid="member-error">
          {error.message}
        </p>
      )}
      <button
        type="button"
        disabled={pending}
        onClick={async () => {
          await logout();
          router.refresh();
        }}
      >
        Log out
      </button>
    </section>
  );
}
