import { GraphQLError } from 'graphql';
import { EmulatorErrorCode } from './emulator-error-codes';

function emulatorError(message: string, code: EmulatorErrorCode, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** Missing, malformed, expired, revoked or foreign token: the exact message Bettermode answers. */
export const unauthorized = () => emulatorError('Unauthorized', EmulatorErrorCode.Unauthorized, { status: 401 });

/** Same answer for an unknown member and a wrong password, so it reveals neither. */
export const invalidCredentials = () =>
  emulatorError('Invalid username, email or password', EmulatorErrorCode.InvalidCredentials, { status: 400 });

export const rateLimited = (retryAfterSeconds: number) =>
  emulatorError(
    `Too many failed login attempts; try again in ${retryAfterSeconds} seconds`,
    EmulatorErrorCode.RateLimited,
    { status: 429, retryAfterSeconds },
  );

export const networkNotFound = () =>
  emulatorError('Network not found', EmulatorErrorCode.NetworkNotFound, { status: 404 });

export const notFound = (what: string) =>
  emulatorError(`${what} not found`, EmulatorErrorCode.NotFound, { status: 404 });

export const badUserInput = (message: string) =>
  emulatorError(message, EmulatorErrorCode.BadUserInput, { status: 400 });

export const notImplemented = (coordinate: string) =>
  emulatorError(`${coordinate} is not implemented by the emulator`, EmulatorErrorCode.NotImplemented, { status: 501 });

/** A `limitedToken` request without valid HTTP Basic app credentials. */
export const invalidAppCredentials = () =>
  emulatorError('Invalid app credentials', EmulatorErrorCode.InvalidAppCredentials, { status: 401 });

/** Bettermode's permission error (code 102): e.g. an app not installed on the network. */
export const forbidden = (message = 'Forbidden') =>
  emulatorError(message, EmulatorErrorCode.Forbidden, { status: 403 });

/** Bettermode's "request limit reached" (code 104), with the wait. */
export const requestLimitReached = (retryAfterMs: number, http?: { status: number; headers: Record<string, string> }) =>
  emulatorError(`Rate limit reached; retry in ${Math.ceil(retryAfterMs / 1000)} s`, EmulatorErrorCode.RequestLimit, {
    status: 429,
    retryAfterMs,
    ...(http ? { http } : {}),
  });

/** A query costing more than one query may: refused before it runs. */
export const queryTooComplex = (complexity: number, max: number) =>
  emulatorError(`Query complexity ${complexity} is over the limit of ${max}`, EmulatorErrorCode.QueryTooComplex, {
    status: 400,
    complexity,
    maxComplexity: max,
  });
