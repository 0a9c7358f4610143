import { ensureConsoleBuilt } from '../../lib/local/console-build';
import { startSynthesis } from './synthesis';

/**
 * The infra suite: the stack uploads console/dist, so the console is built first (a no-op when
 * current); then the one synthesis of this run starts in the background (test/support/synthesis.ts).
 */
export default function setup(): void {
  ensureConsoleBuilt({ quiet: true });
  startSynthesis();
}
