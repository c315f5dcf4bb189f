import { readFileSync, rmSync } from 'node:fs';
import { stateFile } from './global-setup';

// Stops exactly the processes the setup started (by their process group), and removes their data.
export default async function globalTeardown() {
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { pids: number[]; tmp: string };
  for (const pid of state.pids) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  await new Promise((ok) => setTimeout(ok, 500));
  if (!process.env.E2E_KEEP) rmSync(state.tmp, { recursive: true, force: true });
}
