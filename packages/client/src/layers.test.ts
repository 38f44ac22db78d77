import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('.', import.meta.url));

/** The layers, top first, as the README's diagram chains them (`root --> operations --> …`). */
function layersFromReadme(): string[] {
  const readme = readFileSync(join(src, '../README.md'), 'utf8');
  const diagram = readme.match(/```mermaid\n(flowchart[\s\S]*?)```/)?.[1] ?? '';
  const chain = diagram.split('\n').find((line) => line.includes('-->'));
  return (chain ?? '').split('-->').map((name) => name.trim());
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.test(-d)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

const layerOf = (file: string) => {
  const folder = relative(src, dirname(file));
  return folder === '' ? 'root' : (folder.split('/')[0] as string);
};

test('the README draws every folder of src as a layer, in one chain', () => {
  const layers = layersFromReadme();
  const folders = readdirSync(src, { withFileTypes: true }).filter(
    (entry) => entry.isDirectory() && entry.name !== 'test-support',
  );
  expect(layers[0]).toBe('root');
  expect([...layers].sort()).toEqual(['root', ...folders.map((entry) => entry.name)].sort());
});

test('every import runs to the same folder or a folder below it in the README diagram', () => {
  const layers = layersFromReadme();
  const upward: string[] = [];
  for (const file of sourceFiles(src)) {
    const from = layers.indexOf(layerOf(file));
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']*)'/g)) {
      const to = layers.indexOf(layerOf(resolve(dirname(file), specifier as string)));
      if (to < from) upward.push(`${relative(src, file)} imports ${specifier} (${layers[from]} -> ${layers[to]})`);
    }
  }
  expect(upward).toEqual([]);
});

test('the root holds no more than the entries and factories', () => {
  const root = readdirSync(src).filter((name) => /\.ts$/.test(name) && !/\.test(-d)?\.ts$/.test(name));
  expect(root.length).toBeLessThanOrEqual(10);
});
