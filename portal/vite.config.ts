import { defineConfig } from 'vitest/config';

// The app is built into target/classes/static so that the Maven module's jar carries it and
// Berth serves it at /. `npm run dev` proxies the API to a Berth on :8080.
export default defineConfig({
  build: {
    outDir: 'target/classes/static',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/c': 'http://localhost:8080',
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/test/setup.ts'],
    // a test is several steps, each allowed until()'s 5 s on a busy machine; 5 s for the whole
    // test (Vitest's default) failed a long one while a build ran beside it
    testTimeout: 20_000,
  },
});
