import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Relative base so the built page works from any static host path.
export default defineConfig({
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
