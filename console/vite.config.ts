import { defineConfig } from 'vitest/config';

// Built into target/classes so Maven packs it into the hoist-console jar; served by hoist-server at /console/.
export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'target/classes/hoist-console',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a running `hoist serve` (HOIST_URL, default http://127.0.0.1:8080)
    proxy: Object.fromEntries(['/apis', '/api', '/providers', '/openapi.json', '/console/auth', '/validation']
      .map((p) => [p, { target: process.env.HOIST_URL ?? 'http://127.0.0.1:8080', changeOrigin: false }])),
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testSetup.ts'],
    css: false,
    // the build machine is shared: generous limits, the tests wait on what the page shows, not on time
    testTimeout: 60_000,
  },
});
