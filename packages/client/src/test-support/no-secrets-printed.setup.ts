import { afterEach, beforeEach } from 'vitest';

// For the whole client suite: anything a test prints (console or the process streams) is scanned
// for a token or a test password. The secrets test adds the thrown errors and their stacks.
const jwtShaped = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/;
const passwords = [
  'bettermodepassword',
  'wrong-password',
  'analytical-engine',
  'race-password-',
  'emulator-app-secret',
  'a-wrong-app-secret',
  'elsewhere-secret',
];
const printed: string[] = [];
const undo: (() => void)[] = [];

beforeEach(() => {
  printed.length = 0;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      printed.push(
        args
          .map((arg) =>
            arg instanceof Error ? `${arg.message}\n${arg.stack}` : typeof arg === 'string' ? arg : JSON.stringify(arg),
          )
          .join(' '),
      );
      original(...args);
    };
    undo.push(() => (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      printed.push(String(chunk));
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    undo.push(() => (stream.write = original));
  }
});

afterEach(() => {
  for (const restore of undo.splice(0).reverse()) restore();
  const text = printed.join('\n');
  if (jwtShaped.test(text)) throw new Error('a JWT-shaped token was printed during the test');
  const password = passwords.find((value) => text.includes(value));
  if (password) throw new Error('a test password was printed during the test');
});
