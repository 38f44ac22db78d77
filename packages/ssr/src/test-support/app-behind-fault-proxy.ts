import { startEmulator, type Emulator, type EmulatorOptions } from '@bettermode-kit/emulator';
import { startFaultProxy } from '../../../../testing/fault-proxy';
import { createSessionCookies, type SessionCookies } from '../index';
import { serveFetch } from './serve-fetch';
import { ssrTestApp } from './ssr-test-app';

/** The test app on cookie sessions whose Bettermode is an emulator behind a fault proxy. */
export interface AppBehindFaultProxy {
  emulator: Emulator;
  proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  sessions: SessionCookies;
  app: { url: string; close(): Promise<void> };
  /** Stops all of it, the app first. */
  stop(): Promise<void>;
}

/** Starts an emulator, a fault proxy in front of it and the test app talking through the proxy. */
export async function startAppBehindFaultProxy(options: EmulatorOptions): Promise<AppBehindFaultProxy> {
  const emulator = await startEmulator(options);
  const proxy = await startFaultProxy(emulator.url);
  const sessions = createSessionCookies({ endpoint: proxy.url, networkDomain: emulator.networkDomain });
  const app = await serveFetch(ssrTestApp(sessions));
  return {
    emulator,
    proxy,
    sessions,
    app,
    async stop() {
      await app.close();
      await sessions.close();
      await proxy.stop();
      await emulator.stop();
    },
  };
}
