import { NextResponse, type NextRequest } from 'next/server';
import { middleware } from './lib/bettermode';

/** Renews a due session before any page renders (Next.js 16 calls `middleware.ts` `proxy.ts`). */
export function proxy(request: NextRequest) {
  // Off only in the test that shows a page rendering a due session on its own.
  if (process.env.BETTERMODE_EXAMPLE_MIDDLEWARE === 'off') return NextResponse.next();
  return middleware(request);
}

export const config = {
  // Pages only: the API routes renew on their own, and static files carry no session.
  matcher: ['/((?!api/|_next/|favicon.ico).*)'],
};
