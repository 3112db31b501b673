import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalComponent } from '@datapark/platform';
import { silentReporter } from '@datapark/platform';
import { LocalPlatform } from '@datapark/platform-local';

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A platform of its own: a fresh state directory and its own ports, beside the shared one. */
export function scratchPlatform(
  components: LocalComponent[],
  env: Record<string, string>,
): { platform: LocalPlatform; stateDir: string } {
  const stateDir = mkdtempSync(join(tmpdir(), 'datapark-platform-'));
  chmodSync(stateDir, 0o755);
  const platform = new LocalPlatform({
    components,
    reporter: silentReporter,
    configOptions: { env: { ...process.env, ...env, DATAPARK_STATE_DIR: stateDir }, cwd: stateDir },
  });
  return { platform, stateDir };
}
