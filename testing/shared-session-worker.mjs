// One holder of a shared session, in a process of its own, for the multi-process tests.
// Environment: CLIENT_MODULE (path of @bettermode-kit/client's Node build), STORAGE_MODULE and
// STORAGE_EXPORT (the storage factory), STORAGE_ARGS (JSON arguments), ENDPOINT, RATE (operations
// a second); with APP_MODULE (the client's /node entry) and APP (JSON: clientId, clientSecret,
// networkId), an app client whose token storages come from the factory, keyed per member. Reads commands on stdin, one a line: `run` starts the operations, `logout` logs out
// (then prints `logged-out <ms>`), `lock` takes the refresh lease and holds it (prints `locked`),
// `stop` ends and prints one JSON line of what happened.
import { createInterface } from 'node:readline';

const { createBettermodeClient } = await import(process.env.CLIENT_MODULE);
const storageModule = await import(process.env.STORAGE_MODULE);
const storageFactory = storageModule[process.env.STORAGE_EXPORT];
const storageArgs = JSON.parse(process.env.STORAGE_ARGS);
const warnings = [];
console.warn = (...args) => warnings.push(args.join(' '));
let storage;
let bm;
if (process.env.APP) {
  const { createBettermodeAppClient } = await import(process.env.APP_MODULE);
  const storages = [];
  const tokenStorage = (key) => {
    const created = storageFactory({ ...storageArgs[0], key: `${storageArgs[0].key}:${key}` });
    storages.push(created);
    return created;
  };
  bm = createBettermodeAppClient({
    endpoint: process.env.ENDPOINT,
    ...JSON.parse(process.env.APP),
    tokenStorage,
    requestTimeoutMs: 5000,
  });
  storage = { lock: () => storages[0].lock(), close: () => Promise.all(storages.map((each) => each.close?.())) };
  bm.logout = async () => undefined;
  bm.getSession = async () => ({ kind: 'app', member: { username: 'app' } });
} else {
  storage = storageFactory(...storageArgs);
  bm = createBettermodeClient({
    endpoint: process.env.ENDPOINT,
    networkDomain: 'community.bettermode.io',
    storage,
    requestTimeoutMs: 5000,
  });
}
const AuthMember = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'AuthMember' },
      variableDefinitions: [],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'authMember' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'Field', name: { kind: 'Name', value: 'username' } }],
            },
          },
        ],
      },
    },
  ],
};

const operations = [];
const errors = {};
let running = false;
let timer;
let sequence = 0;

function tick() {
  const startedAt = Date.now();
  const requestId = sequence++;
  bm.query(AuthMember, { requestId }).then(
    (data) => operations.push({ startedAt, endedAt: Date.now(), username: data.authMember.username }),
    (error) => {
      operations.push({ startedAt, endedAt: Date.now(), error: error.name });
      errors[error.name] = (errors[error.name] ?? 0) + 1;
    },
  );
}

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  if (line === 'run' && !running) {
    running = true;
    timer = setInterval(tick, 1000 / Number(process.env.RATE ?? 20));
  } else if (line === 'logout') {
    await bm.logout();
    console.log(`logged-out ${Date.now()}`);
  } else if (line === 'lock') {
    await storage.lock();
    console.log('locked');
  } else if (line === 'stop') {
    clearInterval(timer);
    // Let the operations in flight end.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const session = await bm.getSession().catch(() => null);
    console.log(
      JSON.stringify({
        operations,
        errors,
        warnings,
        session: session && { kind: session.kind, username: session.member.username },
      }),
    );
    bm.close();
    storage.close?.();
    lines.close();
  }
});
console.log('ready');
