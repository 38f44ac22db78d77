import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves a production build on 127.0.0.1 (unknown paths get index.html, as a single-page app host does), plus extra pages by path. */
export async function serveStatic(folder: string, extra: Record<string, { type: string; body: string }> = {}) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://static').pathname;
    if (extra[path]) {
      response.writeHead(200, { 'content-type': extra[path].type }).end(extra[path].body);
      return;
    }
    const file = normalize(join(folder, path === '/' ? 'index.html' : path));
    if (!file.startsWith(folder)) return void response.writeHead(403).end();
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      const page = await readFile(join(folder, 'index.html')).catch(() => undefined);
      if (page) response.writeHead(200, { 'content-type': types['.html'] as string }).end(page);
      else response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
