#!/usr/bin/env node
import('../dist/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('bettermode-kit: the package is not built yet; run `pnpm build` first.');
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
