import { describe, expect, test } from 'vitest';
import { isSameOrigin, ownOrigin, readLimitedText, requestProto } from './request-guards';

describe('ownOrigin', () => {
  test('the Host header, else the host of the request URL (with its port, without its path)', () => {
    expect(ownOrigin(new Request('http://App.Example:8080/graphql?x=1'))).toBe('http://app.example:8080');
    expect(ownOrigin(new Request('https://app.example'))).toBe('https://app.example');
    expect(ownOrigin(new Request('http://[::1]:3000/a/b'))).toBe('http://[::1]:3000');
    expect(ownOrigin(new Request('http://127.0.0.1:3000/', { headers: { host: 'app.example' } }))).toBe(
      'http://app.example',
    );
  });

  test('what a proxy in front of the app says wins over the request itself', () => {
    const request = new Request('http://127.0.0.1:3000/', {
      headers: { host: '127.0.0.1:3000', 'x-forwarded-host': 'app.example, inner', 'x-forwarded-proto': 'HTTPS' },
    });
    expect(requestProto(request)).toBe('https');
    expect(ownOrigin(request)).toBe('https://app.example');
    expect(
      isSameOrigin(new Request(request, { headers: { ...headersOf(request), origin: 'https://app.example' } }), []),
    ).toBe(true);
    expect(requestProto(new Request('http://a/', { headers: { 'x-forwarded-proto': 'gopher' } }))).toBe('http');
  });
});

describe('readLimitedText', () => {
  test('a body within the limit, whether or not its length is declared', async () => {
    const body = JSON.stringify({ query: '{ authMember { name } }', variables: { text: 'héllo ✓' } });
    const declared = new Request('http://a/', {
      method: 'POST',
      headers: { 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    expect(await readLimitedText(declared, 1024)).toBe(body);
    expect(await readLimitedText(post(streamOf([body.slice(0, 20), body.slice(20)])), 1024)).toBe(body);
  });

  test('past the limit: null, and a streamed body is read no further than the limit', async () => {
    let pulled = 0;
    const chunk = 'x'.repeat(1000);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    expect(await readLimitedText(post(endless), 2500)).toBe(null);
    expect(pulled).toBeLessThanOrEqual(4);
    const lying = new Request('http://a/', { method: 'POST', headers: { 'content-length': '10' }, body: chunk });
    expect(await readLimitedText(lying, 100)).toBe(null);
    const large = new Request('http://a/', { method: 'POST', headers: { 'content-length': '5000' }, body: chunk });
    expect(await readLimitedText(large, 100)).toBe(null);
  });
});

/** A POST whose body streams in (no declared length). */
function post(body: ReadableStream<Uint8Array>): Request {
  return new Request('http://a/', { method: 'POST', body, duplex: 'half' } as RequestInit & { duplex: 'half' });
}

function headersOf(request: Request): Record<string, string> {
  return Object.fromEntries(request.headers);
}

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}
