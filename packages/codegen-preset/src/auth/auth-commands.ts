import {
  BettermodeError,
  createBettermodeClient,
  paginate,
  parseStoredValue,
  SessionExpiredError,
  type BettermodeClient,
  type SessionStorage,
} from '@bettermode-kit/client';
import { fileStorage } from '@bettermode-kit/client/node';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse, print, type DocumentNode } from 'graphql';
import { Accounts, communityOf, configFolder, type Account } from './accounts';
import { CliError } from './cli-error';
import { forgetKeychainKey, keychainKey } from './keychain';
import { sealedStorage } from './sealed-storage';
import { readPassword, readLine } from './prompt';

/** What the auth and api commands read and print through. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface AuthOptions {
  endpoint?: string | undefined;
  network?: string | undefined;
  username?: string | undefined;
  'password-stdin'?: boolean | undefined;
  'insecure-storage'?: boolean | undefined;
  json?: boolean | undefined;
  paginate?: boolean | undefined;
  path?: string | undefined;
  guest?: boolean | undefined;
  field?: string[] | undefined;
  token?: string | undefined;
}

const defaultEndpoint = 'https://api.bettermode.com';
const defaultNetwork = 'community.bettermode.io';

/** `bettermode-kit auth login|status|token|switch|logout`; resolves to the exit code. */
export async function runAuth(subcommand: string | undefined, options: AuthOptions, io: CliIo): Promise<number> {
  const accounts = new Accounts(configFolder(io.env));
  switch (subcommand) {
    case 'login':
      return login(accounts, options, io);
    case 'status':
      return status(accounts, options, io);
    case 'token': {
      const account = await required(accounts, options);
      const bm = await clientOf(account);
      try {
        // Refreshed first when due, and written back for the other shells.
        await bm.getSession({ fresh: true });
      } catch (error) {
        throw apiFailure(error);
      } finally {
        bm.close();
      }
      const stored = await storedSession(account);
      if (stored === 'invalid' || stored.session?.kind !== 'member')
        throw new CliError('The session has ended; log in again: bettermode-kit auth login', 3);
      io.out(stored.session.accessToken);
      return 0;
    }
    case 'switch': {
      const target = await accounts.pick(options.network, options.username);
      if (!target)
        throw new CliError(
          `No stored session for ${options.username ?? 'that member'}${options.network ? ` of ${options.network}` : ''}; see bettermode-kit auth status`,
          3,
        );
      await accounts.activate(target);
      io.out(`Now acting as ${target.username} on ${target.network}.`);
      return 0;
    }
    case 'logout': {
      const account = await required(accounts, options);
      const bm = await clientOf(account);
      try {
        await bm.logout();
      } catch (error) {
        // A session Bettermode already ended is logged out all the same.
        if (!(error instanceof SessionExpiredError)) throw apiFailure(error);
      } finally {
        bm.close();
      }
      await accounts.remove(account);
      await forgetKeychainKey(account.id);
      io.out(`Logged out ${account.username} from ${account.network}; the session is revoked and removed.`);
      return 0;
    }
    default:
      throw new CliError(`Unknown command "auth ${subcommand ?? ''}": login, status, token, switch or logout`, 2);
  }
}

async function login(accounts: Accounts, options: AuthOptions, io: CliIo): Promise<number> {
  const endpoint = options.endpoint ?? io.env.BETTERMODE_ENDPOINT ?? defaultEndpoint;
  const network = (options.network ?? io.env.BETTERMODE_NETWORK_DOMAIN ?? defaultNetwork).toLowerCase();
  const username =
    options.username ?? (io.stdin.isTTY && !options['password-stdin'] ? await readLine('Username or email: ', io) : '');
  if (!username) throw new CliError('Give --username (or run in a terminal to be asked)', 2);
  let password: string;
  if (options['password-stdin']) password = (await readAll(io.stdin)).replace(/\r?\n$/, '');
  else if (io.stdin.isTTY) password = await readPassword('Password: ', io);
  else throw new CliError('No terminal to ask for the password: pipe it with --password-stdin', 2);
  if (!password) throw new CliError('The password is empty', 2);
  const { id, file } = accounts.sessionFile(endpoint, network, username);
  // The keychain when there is one; a plain file only when told so.
  const key = await keychainKey(id, true);
  if (!key && !options['insecure-storage'])
    throw new CliError(
      `No OS keychain is available here (on Linux, a Secret Service such as gnome-keyring, unlocked), so the session would be written to a plain file. Run again with --insecure-storage to keep it in a file only you can read (0600) under ${accounts.folder}`,
      2,
    );
  await accounts.ensureFolder();
  const storage = key ? sealedStorage(fileStorage(file), key) : fileStorage(file);
  const bm = createBettermodeClient({ endpoint, networkDomain: network, storage });
  try {
    const session = await bm.login({ usernameOrEmail: username, password });
    await accounts.add({
      id,
      endpoint,
      network,
      username: (session.member.username ?? username).toLowerCase(),
      name: session.member.name,
      storage: key ? 'keychain' : 'file',
      file,
      active: true,
    });
    io.out(
      `Logged in to ${network} as ${session.member.name ?? username} (${session.role.name}); session stored ${key ? 'with its key in the OS keychain' : `in ${file} (0600), not the OS keychain`}.`,
    );
    return 0;
  } catch (error) {
    throw apiFailure(error);
  } finally {
    bm.close();
  }
}

async function status(accounts: Accounts, options: AuthOptions, io: CliIo): Promise<number> {
  const { accounts: all, current } = await accounts.read();
  const rows = await Promise.all(
    all.map(async (account) => {
      // A keychain that is locked or gone reads as an ended session here, not as a failure of status.
      const stored = await storedSession(account).catch(() => 'invalid' as const);
      const session = stored === 'invalid' ? null : stored.session;
      return {
        community: account.network,
        endpoint: account.endpoint,
        member: session?.kind === 'member' ? { name: session.member.name, username: session.member.username } : null,
        role: session?.kind === 'member' ? session.role.name : null,
        expiresAt: session?.kind === 'member' ? new Date(session.expiresAt).toISOString() : null,
        storage:
          account.storage === 'keychain'
            ? { kind: 'keychain (the session file is sealed with a key kept in the OS keychain)', path: account.file }
            : { kind: 'file (insecure: not the OS keychain)', path: account.file },
        active: account.active,
        current: communityOf(account) === current,
      };
    }),
  );
  if (options.json) {
    io.out(JSON.stringify({ sessions: rows }, null, 2));
    return rows.length > 0 ? 0 : 3;
  }
  if (rows.length === 0) {
    io.out('Not logged in: bettermode-kit auth login');
    return 3;
  }
  for (const row of rows) {
    io.out(`${row.community} (${row.endpoint})${row.current ? ' [current]' : ''}`);
    io.out(
      `  ${row.active ? '✓' : ' '} ${row.member ? `${row.member.name} (@${row.member.username}), ${row.role}` : 'session ended: log in again'}`,
    );
    if (row.expiresAt) io.out(`    access token expires ${row.expiresAt} (refreshed when used)`);
    io.out(
      row.storage.kind.startsWith('keychain')
        ? `    stored in ${row.storage.path}, sealed with a key kept in the OS keychain`
        : `    stored in ${row.storage.path}: a plain file only you can read (0600), not the OS keychain`,
    );
  }
  return 0;
}

/** `bettermode-kit api QUERY|@file [-F name=value ...] [--paginate] [--path a.b] [--guest]`. */
export async function runApi(query: string | undefined, options: AuthOptions, io: CliIo): Promise<number> {
  if (!query) throw new CliError('api needs a query, or @file.graphql', 2);
  const text = query.startsWith('@') ? await readFile(resolve(io.cwd, query.slice(1)), 'utf8') : query;
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    throw new CliError(`The query does not parse: ${(error as Error).message}`, 2);
  }
  const variables = variablesOf(options.field ?? []);
  const token = options.token ?? io.env.BETTERMODE_TOKEN;
  let bm: Pick<BettermodeClient, 'query' | 'rawRequest' | 'close'>;
  if (token) {
    // A token given outright comes first (--token, then BETTERMODE_TOKEN): sent as it is, never stored or refreshed.
    bm = tokenClient(options.endpoint ?? io.env.BETTERMODE_ENDPOINT ?? defaultEndpoint, token);
  } else if (options.guest) {
    bm = createBettermodeClient({
      endpoint: options.endpoint ?? io.env.BETTERMODE_ENDPOINT ?? defaultEndpoint,
      networkDomain: options.network ?? io.env.BETTERMODE_NETWORK_DOMAIN ?? defaultNetwork,
    });
  } else bm = await clientOf(await required(new Accounts(configFolder(io.env)), options));
  try {
    if (!options.paginate) {
      const result = await bm.rawRequest(document, variables);
      io.out(JSON.stringify(result.errors ? result : { data: result.data }, null, 2));
      if (result.errors?.length) {
        io.err(`bettermode-kit: ${result.errors[0]?.message ?? 'the API answered with an error'}`);
        return 1;
      }
      return 0;
    }
    const path = options.path?.split('.');
    let merged: Record<string, unknown> | undefined;
    let connection: Record<string, unknown> | undefined;
    for await (const page of paginate(
      { query: (doc, vars, opts) => bm.query(doc, vars, opts) },
      document as never,
      variables as never,
      path ? { path } : {},
    ).pages()) {
      const data = page.data as Record<string, unknown>;
      const found = connectionAt(data, path);
      if (!merged || !connection) {
        merged = data;
        connection = found;
        continue;
      }
      for (const key of ['nodes', 'edges'] as const)
        if (Array.isArray(found[key]) && Array.isArray(connection[key]))
          (connection[key] as unknown[]).push(...(found[key] as unknown[]));
      connection.pageInfo = found.pageInfo;
    }
    io.out(JSON.stringify({ data: merged }, null, 2));
    return 0;
  } catch (error) {
    throw apiFailure(error);
  } finally {
    bm.close();
  }
}

/** Operations sent with a token given outright: no session, no refresh. */
function tokenClient(endpoint: string, token: string): Pick<BettermodeClient, 'query' | 'rawRequest' | 'close'> {
  const send = async (document: DocumentNode | string, variables: unknown) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
    }).catch((error: unknown) => {
      throw new CliError(`${endpoint} did not answer (${(error as Error).message})`, 1);
    });
    const answer = (await response.json().catch(() => null)) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
      extensions?: Record<string, unknown>;
    } | null;
    if (!answer) throw new CliError(`${endpoint} answered HTTP ${response.status} with no GraphQL answer`, 1);
    return answer;
  };
  return {
    async rawRequest(document, variables) {
      const answer = await send(document, variables);
      return { data: answer.data, errors: answer.errors, extensions: answer.extensions } as never;
    },
    async query(document, variables, options) {
      const answer = await send(document as DocumentNode, variables);
      if (answer.extensions) options?.onExtensions?.(answer.extensions);
      if (answer.errors?.length) throw new CliError(answer.errors[0]?.message ?? 'The API answered with an error', 1);
      return answer.data as never;
    },
    close: () => undefined,
  };
}

/** What the account's storage holds, read as the client reads it (no request). */
async function storedSession(account: Account) {
  const entry = await (await storageOf(account)).read().catch(() => ({ value: null }));
  return parseStoredValue(entry.value);
}

/** The account's session storage: the file, opened with the keychain's key when it is sealed. */
async function storageOf(account: Account): Promise<SessionStorage> {
  if (account.storage !== 'keychain') return fileStorage(account.file);
  const key = await keychainKey(account.id, false);
  if (!key)
    throw new CliError(
      `The key of ${account.username}'s session is not in the OS keychain here (is it unlocked?); log in again: bettermode-kit auth login`,
      3,
    );
  return sealedStorage(fileStorage(account.file), key);
}

async function clientOf(account: Account): Promise<BettermodeClient> {
  return createBettermodeClient({
    endpoint: account.endpoint,
    networkDomain: account.network,
    storage: await storageOf(account),
  });
}

async function required(accounts: Accounts, options: AuthOptions): Promise<Account> {
  const account = await accounts.pick(options.network, options.username);
  if (!account)
    throw new CliError(
      `Not logged in${options.network ? ` to ${options.network}` : ''}: bettermode-kit auth login --insecure-storage`,
      3,
    );
  return account;
}

function apiFailure(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof SessionExpiredError)
    return new CliError('The session has ended; log in again: bettermode-kit auth login', 3);
  if (error instanceof BettermodeError) return new CliError(`${error.message} (${error.code})`, 1);
  if (error instanceof Error && error.name === 'PaginationError') return new CliError(error.message, 1);
  throw error;
}

/** `-F name=value`: numbers, true, false and null as JSON, anything else a string. */
function variablesOf(fields: readonly string[]): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const field of fields) {
    const equals = field.indexOf('=');
    if (equals <= 0) throw new CliError(`-F takes name=value, not "${field}"`, 2);
    const raw = field.slice(equals + 1);
    variables[field.slice(0, equals)] = /^(-?\d+(\.\d+)?|true|false|null)$/.test(raw) ? JSON.parse(raw) : raw;
  }
  return variables;
}

function connectionAt(data: Record<string, unknown>, path: readonly string[] | undefined): Record<string, unknown> {
  if (path)
    return path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], data) as Record<
      string,
      unknown
    >;
  const visit = (value: unknown): Record<string, unknown> | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    if ('pageInfo' in value) return value as Record<string, unknown>;
    for (const child of Object.values(value)) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(data) as Record<string, unknown>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
