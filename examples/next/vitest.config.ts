import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineProject({
    test: {
      // One production build (about 20 s) for every test file; Redis for the tests of several processes.
      globalSetup: ['./src/testing/build-global-setup.ts', '../../testing/redis-global-setup.ts'],
      // One file at a time: each starts next processes, and counts are read from one emulator per file.
      fileParallelism: false,
    },
  }),
);
