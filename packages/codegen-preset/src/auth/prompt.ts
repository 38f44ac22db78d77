import { createInterface } from 'node:readline';
import type { CliIo } from './auth-commands';

/** Asks a question on the terminal and resolves to the line typed. */
export function readLine(question: string, io: Pick<CliIo, 'stdin'>): Promise<string> {
  const lines = createInterface({ input: io.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    lines.question(question, (answer) => {
      lines.close();
      resolve(answer.trim());
    });
  });
}

/**
 * Asks for a password without echoing it: the terminal in raw mode, every key read and none
 * written back. Ctrl+C gives up (exit 2 from the caller), backspace deletes.
 */
export function readPassword(question: string, io: Pick<CliIo, 'stdin'>): Promise<string> {
  const input = io.stdin as NodeJS.ReadStream;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let password = '';
    const done = (error?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(password);
    };
    const onData = (chunk: Buffer) => {
      for (const character of chunk.toString('utf8')) {
        if (character === '\r' || character === '\n') return done();
        if (character === '\u0003') return done(Object.assign(new Error('Cancelled'), { code: 'CANCELLED' }));
        if (character === '\u007f' || character === '\b') password = password.slice(0, -1);
        else if (character >= ' ') password += character;
      }
    };
    input.setRawMode?.(true);
    input.resume();
    input.on('data', onData);
  });
}
