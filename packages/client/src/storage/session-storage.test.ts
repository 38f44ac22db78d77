import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { runReadmeSection } from '../../../../testing/run-readme-usage';
import { sessionStorageConformance, type OpenHolder } from '../testing';
import { memoryStorage, webStorage, type SessionStorage, type WebStorageLike } from '../index';
import { fileStorage } from '../node';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** Memory: the holders are clients sharing one storage object. */
const memory = async (): Promise<OpenHolder> => {
  let store: SessionStorage | undefined;
  return ({ leaseMs }) => (store ??= memoryStorage({ leaseMs }));
};

/** File: each holder opens the path on its own, as separate processes do. */
const file = async (): Promise<OpenHolder> => {
  const folder = await mkdtemp(join(tmpdir(), 'bettermode-conformance-'));
  folders.push(folder);
  return ({ leaseMs }) => fileStorage(join(folder, 'session.json'), { leaseMs });
};

/** Web storage over one Storage-like area (the real-browser run, with Web Locks, is in examples/web). */
const web = async (): Promise<OpenHolder> => {
  const items = new Map<string, string>();
  const area: WebStorageLike = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
  const key = `conformance-${Math.random().toString(36).slice(2)}`;
  return ({ leaseMs }) => webStorage(area, { key, leaseMs });
};

for (const [name, fresh] of [
  ['memoryStorage', memory],
  ['fileStorage', file],
  ['webStorage (Node, no Web Locks)', web],
] as const) {
  describe(`${name} keeps the SessionStorage contract`, () => {
    for (const check of sessionStorageConformance(fresh)) {
      // Without Web Locks, web storage leases are per tab (here: per storage object), by design.
      const perTab = name.startsWith('webStorage') && check.name.startsWith('the lease');
      test.skipIf(perTab)(check.name, () => check.run());
    }
  });
}

test('webStorage needs a Web Storage object', () => {
  expect(() => webStorage(undefined as never)).toThrow(
    /^@bettermode-kit\/client: webStorage\(\) needs a Web Storage object/,
  );
});

test("the README's storage of one's own passes the published conformance suite", async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await runReadmeSection(fileURLToPath(new URL('../..', import.meta.url)), 'Testing a storage of your own');
    const passed = log.mock.calls.map(([line]) => String(line)).filter((line) => line.startsWith('ok - '));
    expect(passed).toHaveLength(sessionStorageConformance(async () => () => memoryStorage()).length);
  } finally {
    log.mockRestore();
  }
});
