// Lab tests: real OpenZFS, WireGuard and sshd in two VMs (test/lab/README.md).
// The VMs are shared by every file, so files run one after another in one fork.
import { defineConfig } from 'vitest/config';

const minutes = 60_000;

export default defineConfig({
  test: {
    include: ['test/lab/**/*.lab.test.ts'],
    globalSetup: ['test/lab/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    // Under TCG emulation a cold image build is ~7 min and boot ~1 min; commands are slow.
    hookTimeout: 20 * minutes,
    testTimeout: 20 * minutes,
    teardownTimeout: 2 * minutes,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/lab.json' },
  },
});
