import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built with `vite build web` from the repository root: root is this folder, output goes to web/dist, which the
// api serves at / (see webRoot() in apps/api/src/bootstrap.ts). No React plugin: Vite's own transform handles TSX.
export default defineConfig({
  base: '/',
  // The contract shared with the server (request and answer types, no runtime dependency).
  resolve: { alias: { '@robo/contract': fileURLToPath(new URL('../libs/contract/src/index.ts', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // TanStack Query marks its modules "use client" for React Server Components; meaningless in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `vite web` during development: the api runs on :3000 and owns /api, /auth, /health and socket.io.
    proxy: {
      '/api': 'http://localhost:3000',
      '/auth': 'http://localhost:3000',
      '/health': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
