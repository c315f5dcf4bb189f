/// <reference types="vitest/config" />
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.WOONZORG_API ?? 'http://127.0.0.1:8000';

// Two entry points: index.html (the app) and graphiql.html (GraphiQL with local assets).
// The API serves web/dist at / (deep links fall back to index.html) and graphiql.html at /graphql.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    manifest: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      // The Utrecht React package does not declare itself free of side effects, so without this
      // every component (calendar included) lands in the first chunk.
      treeshake: {
        moduleSideEffects: (id: string) => !/node_modules\/@utrecht\/[a-z-]+-react\//.test(id),
      },
      input: {
        app: resolve(__dirname, 'index.html'),
        graphiql: resolve(__dirname, 'graphiql.html'),
      },
    },
  },
  server: {
    fs: { allow: ['..'] },
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: false },
      '/submissions': { target: api },
      '/exports': { target: api },
    },
  },
  preview: {
    proxy: {
      '/graphql': { target: api, ws: true },
      '/submissions': { target: api },
      '/exports': { target: api },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
    css: false,
  },
});
