import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';

/** The context of cdk.json (feature flags included), so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(process.cwd(), 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/**
 * A CDK app as `cdk synth` makes it from cdk.json. `bundle: false` skips esbuild (CDK's own
 * switch, which the CLI sets for stacks it is not deploying); `bundlingStacks` bundles only the
 * stacks whose construct paths match (e.g. `Datagate` and `Datagate/**` for its nested stacks).
 */
export function testApp({
  bundle = true,
  bundlingStacks,
  outdir,
}: { bundle?: boolean; bundlingStacks?: string[]; outdir?: string } = {}): App {
  const stacks = bundlingStacks ?? (bundle ? undefined : []);
  return new App({
    outdir,
    context: { ...cdkJsonContext(), ...(stacks ? { 'aws:cdk:bundling-stacks': stacks } : {}) },
  });
}
