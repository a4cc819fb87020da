import { defineConfig } from 'vite';

// Served by the API process at /console (server/src/platform/console.plugin.ts). JSX is compiled by
// Vite's own transformer (Oxc, automatic runtime): @vitejs/plugin-react would only add Fast Refresh
// for development, which a console built once at install does not need.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // TanStack Query marks its modules "use client" (for React Server Components): meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: { '/v1': 'http://localhost:8080', '/oauth2': 'http://localhost:8080' },
  },
});
