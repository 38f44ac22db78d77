import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Plugin } from 'vite';

/**
 * A strict Content-Security-Policy for the production build: scripts and styles only from this
 * origin (no inline script, no eval), and requests only to it and to the Bettermode endpoint.
 * The dev server goes without it (hot reload needs inline scripts).
 */
function contentSecurityPolicy(endpoint: string): Plugin {
  const api = new URL(endpoint).origin;
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    `connect-src 'self' ${api}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
      ),
  };
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  return {
    plugins: [react(), contentSecurityPolicy(env.VITE_BETTERMODE_ENDPOINT || 'https://api.bettermode.com')],
    build: { sourcemap: false },
  };
});
