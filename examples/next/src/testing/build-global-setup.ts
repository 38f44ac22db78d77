import { buildNextApp } from './next-app';

/** Builds the example once before its tests (they serve the production build, as `next start` does). */
export default async function setup(): Promise<void> {
  await buildNextApp();
}
