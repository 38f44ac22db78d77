import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One stored member session: where it is and whom it belongs to; never a token. */
export interface Account {
  id: string;
  endpoint: string;
  /** The network domain it logged in to. */
  network: string;
  username: string;
  name: string | null;
  /**
   * Where the session is kept: `keychain`, the session file sealed with a key kept in the OS
   * keychain; `file`, the session file in the clear (`--insecure-storage`, no keychain here).
   */
  storage: 'keychain' | 'file';
  /** The session file (0600). */
  file: string;
  /** The one used for this community when no other is named. */
  active: boolean;
}

interface AccountsFile {
  version: 1;
  /** The community (`endpoint network`) of the last login or switch: used when none is named. */
  current: string | null;
  accounts: Account[];
}

/** The folder the CLI keeps its accounts in: BETTERMODE_KIT_CONFIG_DIR, else the user's config folder. */
export function configFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BETTERMODE_KIT_CONFIG_DIR) return env.BETTERMODE_KIT_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'bettermode-kit');
}

export const communityOf = (account: Pick<Account, 'endpoint' | 'network'>) => `${account.endpoint} ${account.network}`;

/** The accounts file: read, changed and written back whole (0600, replaced atomically). */
export class Accounts {
  constructor(readonly folder: string) {}

  get path(): string {
    return join(this.folder, 'accounts.json');
  }

  async read(): Promise<AccountsFile> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as AccountsFile;
      if (parsed.version === 1 && Array.isArray(parsed.accounts)) return parsed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return { version: 1, current: null, accounts: [] };
  }

  async write(file: AccountsFile): Promise<void> {
    await this.ensureFolder();
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
  }

  async ensureFolder(): Promise<void> {
    await mkdir(join(this.folder, 'sessions'), { recursive: true, mode: 0o700 });
    await chmod(this.folder, 0o700);
  }

  /** The session file of a member of a community. */
  sessionFile(endpoint: string, network: string, username: string): { id: string; file: string } {
    const id = createHash('sha256')
      .update(`${endpoint}\n${network}\n${username.toLowerCase()}`)
      .digest('hex')
      .slice(0, 16);
    return { id, file: join(this.folder, 'sessions', `${id}.json`) };
  }

  /** The account a command acts as: the named community's active one, else the current community's. */
  async pick(network?: string, username?: string): Promise<Account | null> {
    const { accounts, current } = await this.read();
    const candidates = accounts.filter((account) =>
      network ? account.network === network.toLowerCase() : communityOf(account) === current,
    );
    if (username) return candidates.find((account) => account.username === username.toLowerCase()) ?? null;
    return candidates.find((account) => account.active) ?? candidates[0] ?? null;
  }

  /** Stores a login: the active account of its community, and the current community. */
  async add(account: Account): Promise<void> {
    const file = await this.read();
    const community = communityOf(account);
    const others = file.accounts.filter((each) => each.id !== account.id);
    for (const each of others) if (communityOf(each) === community) each.active = false;
    await this.write({ version: 1, current: community, accounts: [...others, { ...account, active: true }] });
  }

  async activate(target: Account): Promise<void> {
    const file = await this.read();
    for (const each of file.accounts)
      if (communityOf(each) === communityOf(target)) each.active = each.id === target.id;
    await this.write({ ...file, current: communityOf(target) });
  }

  async remove(target: Account): Promise<void> {
    const file = await this.read();
    const accounts = file.accounts.filter((each) => each.id !== target.id);
    const sameCommunity = accounts.filter((each) => communityOf(each) === communityOf(target));
    if (sameCommunity.length > 0 && !sameCommunity.some((each) => each.active)) sameCommunity[0]!.active = true;
    const current =
      file.current === communityOf(target) && sameCommunity.length === 0
        ? accounts[0]
          ? communityOf(accounts[0])
          : null
        : file.current;
    await this.write({ version: 1, current, accounts });
    for (const path of [target.file, `${target.file}.lock`]) await rm(path, { force: true });
  }
}
