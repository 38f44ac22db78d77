import { expect, test } from 'vitest';
import { WorkList } from './work-list';

interface Item {
  name: string;
  previous?: Item | undefined;
  next?: Item | undefined;
}

test('adds in order, deletes from anywhere once, and counts what it holds', () => {
  const list = new WorkList<Item>();
  const [a, b, c] = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
  list.add(a);
  list.add(b);
  list.add(c);
  list.add(b);
  expect(list.toArray().map((item) => item.name)).toEqual(['a', 'b', 'c']);
  expect(list.delete(b)).toBe(true);
  expect(list.delete(b)).toBe(false);
  expect([list.size, list.toArray().map((item) => item.name)]).toEqual([2, ['a', 'c']]);
  list.add(b);
  expect(list.toArray().map((item) => item.name)).toEqual(['a', 'c', 'b']);
});

test('a visit may delete the item it is given and any other', () => {
  const list = new WorkList<Item>();
  const items = ['a', 'b', 'c', 'd'].map((name) => ({ name }));
  for (const item of items) list.add(item);
  const seen: string[] = [];
  list.forEach((item) => {
    seen.push(item.name);
    list.delete(item);
    if (item.name === 'a') list.delete(items[2] as Item);
  });
  expect(seen).toEqual(['a', 'b', 'c', 'd']);
  expect([list.size, list.toArray()]).toEqual([0, []]);
});
