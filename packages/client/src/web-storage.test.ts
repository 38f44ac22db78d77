import { expect, test } from 'vitest';
import { webStorage } from './web-storage';

test('reads, writes and removes one item of a Web Storage area', () => {
  const items = new Map<string, string>();
  const area = {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
  const storage = webStorage(area, 'my-app:session');
  expect(storage.read()).toBeNull();
  storage.write('{"a":1}');
  expect(items.get('my-app:session')).toBe('{"a":1}');
  expect(storage.read()).toBe('{"a":1}');
  storage.remove();
  expect(items.size).toBe(0);
  expect(() => webStorage(undefined as never)).toThrow(/^@bettermode-kit\/client: webStorage\(\) needs a Web Storage object/);
});
