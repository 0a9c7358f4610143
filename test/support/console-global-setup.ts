import { ensureConsoleBuilt } from '../../lib/local/console-build';

/** The stack deploys console/dist, so the infra suite needs it built (a no-op when it is current). */
export default function setup(): void {
  ensureConsoleBuilt({ quiet: true });
}
