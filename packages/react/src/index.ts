export { BettermodeProvider } from './bettermode-provider';
export { useSession } from './use-session';
export { useLogin } from './use-login';
export { useLogout } from './use-logout';
/** urql's hooks: `useQuery` and `useMutation` infer data and variables from a typed document of `@bettermode-kit/operations`. */
export { useMutation, useQuery } from 'urql';
export type { BettermodeProviderProps, ServerHeldSession } from './bettermode-provider';
export type { LoginState } from './use-login';
export type { LogoutState } from './use-logout';
export type { SerializedSession } from './server-session-api';
