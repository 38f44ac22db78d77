import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineProject({
    resolve: {
      // The suite runs what Node users get: the Node build's default transport (see tsup.config.ts).
      alias: [
        {
          find: /^\.\/transport\/default-transport$/,
          replacement: fileURLToPath(new URL('./src/transport/default-transport.node.ts', import.meta.url)),
        },
      ],
    },
    test: {
      setupFiles: ['./src/test-support/no-secrets-printed.setup.ts'],
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    },
  }),
);
