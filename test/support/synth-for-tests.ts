import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { DatagateFunction } from '../../lib/datagate-function';
import { DatagateStack } from '../../lib/datagate-stack';
import { addNagChecks } from '../../lib/nag-acknowledgments';
import { stageNames } from '../../lib/stages';
import { testApp } from './cdk-app';
import { CONFIGURATIONS, type ConfigurationName } from './synth-configurations';
import type { SynthesisSummary } from './synthesis';

/**
 * Synthesizes every configuration of synth-configurations.ts into one cloud assembly (argv[2]),
 * with cdk-nag, bundling the default stage's functions as `cdk synth` does, and writes
 * `summary.json` there: the templates of each configuration, the bundle of each function
 * module, and cdk-nag's findings. Run as a child process by the infra suite's global setup, so
 * bundling overlaps the other test files. Also runs by hand: `npx tsx test/support/synth-for-tests.ts DIR`.
 */
function main(outdir: string): void {
  const started = Date.now();
  const names = Object.fromEntries(
    Object.entries(CONFIGURATIONS).map(([name, { stage }]) => [name, stageNames(stage).stackName]),
  ) as Record<ConfigurationName, string>;
  // Bundle only the default stage (and its nested stacks), as `cdk synth` would bundle it.
  const app = testApp({ outdir, bundlingStacks: [names.default, `${names.default}/**`] });
  const stacks = Object.fromEntries(
    Object.entries(CONFIGURATIONS).map(([name, { stage, props }]) => {
      const stackName = names[name as ConfigurationName];
      return [name, new DatagateStack(app, stackName, { ...props, stage, stackName })];
    }),
  ) as Record<ConfigurationName, DatagateStack>;
  addNagChecks(app);

  let violations: string[] = [];
  try {
    app.synth();
  } catch (error) {
    const reportFile = join(outdir, 'validation-report.json');
    if (!existsSync(reportFile)) throw error;
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    violations = report.pluginReports.flatMap((plugin: any) =>
      plugin.violations.flatMap((violation: any) =>
        violation.violatingConstructs.map((construct: any) => `${violation.ruleName} at ${construct.constructPath}`),
      ),
    );
  }

  const functions: Record<string, string> = {};
  for (const construct of stacks.default.node.findAll()) {
    if (!(construct instanceof DatagateFunction)) continue;
    const code = construct.fn.node.tryFindChild('Code') as s3assets.Asset | undefined;
    if (code) functions[construct.handlerModule] = resolve(outdir, code.assetPath);
  }

  const summary: SynthesisSummary = {
    durationMs: Date.now() - started,
    violations,
    functions,
    configurations: Object.fromEntries(
      Object.entries(stacks).map(([name, stack]) => [
        name,
        {
          stackName: stack.stackName,
          templateFile: stack.templateFile,
          nested: Object.fromEntries(
            [...stack.routeStacks].map(([area, nested]) => [
              area,
              {
                templateFile: nested.templateFile,
                resourceId: stack.getLogicalId(nested.nestedStackResource as CfnElement),
              },
            ]),
          ),
        },
      ]),
    ) as SynthesisSummary['configurations'],
  };
  writeFileSync(join(outdir, 'summary.json'), JSON.stringify(summary, null, 1));
}

const outdir = process.argv[2];
if (!outdir) throw new Error('Usage: synth-for-tests.ts OUTDIR');
try {
  main(resolve(outdir));
} catch (error) {
  writeFileSync(join(resolve(outdir), 'failed.txt'), error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
