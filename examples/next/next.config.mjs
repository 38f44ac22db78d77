/** @type {import('next').NextConfig} */
const nextConfig = {
  // The tests and `pnpm start:next` build once and serve the build; no telemetry, no source maps to the browser.
  productionBrowserSourceMaps: false,
  poweredByHeader: false,
  // The monorepo root holds the lockfile; this app is one of its workspaces.
  outputFileTracingRoot: new URL('../..', import.meta.url).pathname,
};

export default nextConfig;
