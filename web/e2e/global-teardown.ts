import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stateFile } from './global-setup';

// Stops exactly the processes the setup started (by their process group), and removes their data.
/** The budgets of the whole run, as key=value lines. */
function summarise() {
  const file = join(stateFile, '..', 'metrics.txt');
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const depths = lines.filter((l) => l.startsWith('waterfall.')).map((l) => Number(l.split('=')[1]));
  const a11y = lines.filter((l) => l.startsWith('a11y.')).map((l) => Number(l.split('=')[1]));
  console.log('--- budgets');
  for (const line of lines.filter((l) => l.startsWith('budget.') || l.startsWith('e2e.'))) console.log(line);
  console.log(`budget.max_waterfall_depth=${Math.max(0, ...depths)}`);
  console.log(`budget.pages_checked_with_axe=${a11y.length}`);
  console.log(`budget.axe_serious_or_critical_total=${a11y.reduce((s, n) => s + n, 0)}`);
}

export default async function globalTeardown() {
  summarise();
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
