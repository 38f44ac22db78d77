import { describeSessionApp } from './test-support/session-app-conformance';
import { createSessionCookies } from './index';
import { plainSessionApp } from './test-support/plain-session-app';
import { serveFetch } from './test-support/serve-fetch';

describeSessionApp('a plain Request → Response handler', async (env) => {
  const sessions = createSessionCookies({
    endpoint: env.BETTERMODE_ENDPOINT,
    networkDomain: env.BETTERMODE_NETWORK_DOMAIN,
  });
  const server = await serveFetch(plainSessionApp(sessions));
  return {
    url: server.url,
    async stop() {
      await server.close();
      await sessions.close();
    },
  };
});
