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
 * switch, which the CLI sets for stacks it is not deploying).
 */
export function testApp({ bundle = true, outdir }: { bundle?: boolean; outdir?: string } = {}): App {
  return new App({
    outdir,
    context: { ...cdkJsonContext(), ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
}
