import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { RouteArea } from '../../lib/route-areas';
import type { ConfigurationName } from './synth-configurations';

/**
 * The infra suite's one synthesis per Jest run. The global setup starts
 * test/support/synth-for-tests.ts in a child process (one esbuild build of every function, about
 * 25 s of CPU; the other test files run meanwhile) and tells the workers where through the
 * environment; a test file calls
 * `useSynthesis()` and its hooks wait for the result. Set DATAGATE_SYNTH_DIR to an assembly made
 * by hand (`npx tsx test/support/synth-for-tests.ts DIR`) to skip the synthesis.
 */

type Json = any;

export interface SynthesisSummary {
  durationMs: number;
  /** cdk-nag's findings over every configuration (`rule at construct path`); none when synthesis passed. */
  violations: string[];
  /** The bundle folder of every function module of the default configuration. */
  functions: Record<string, string>;
  configurations: Record<
    ConfigurationName,
    { stackName: string; templateFile: string; nested: Record<RouteArea, { templateFile: string; resourceId: string }> }
  >;
}

const DIR_VARIABLE = 'DATAGATE_SYNTH_DIR';
const PID_VARIABLE = 'DATAGATE_SYNTH_PID';
const OWNED_VARIABLE = 'DATAGATE_SYNTH_OWNED';
/** How long a test file waits for the synthesis: bundling every function on a busy 2-core machine. */
export const SYNTHESIS_TIMEOUT_MS = 20 * 60_000;

/** Global setup: starts the synthesis in the background (unless DATAGATE_SYNTH_DIR names one). */
export function startSynthesis(): void {
  if (process.env[DIR_VARIABLE]) return;
  const outdir = mkdtempSync(join(tmpdir(), 'datagate-synth-'));
  const log = openSync(join(outdir, 'synth.log'), 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'support', 'synth-for-tests.ts'), outdir], {
    cwd: process.cwd(),
    stdio: ['ignore', log, log],
  });
  child.unref();
  process.env[DIR_VARIABLE] = outdir;
  process.env[PID_VARIABLE] = String(child.pid);
  process.env[OWNED_VARIABLE] = '1';
}

/** Global teardown: stops a synthesis still running and deletes the assembly it made. */
export function stopSynthesis(): void {
  const pid = Number(process.env[PID_VARIABLE]);
  if (pid && isAlive(pid)) process.kill(pid);
  const outdir = process.env[DIR_VARIABLE];
  if (outdir && process.env[OWNED_VARIABLE] && !process.env.KEEP_SYNTH) rmSync(outdir, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for the synthesis of this run and reads its summary. */
export async function waitForSynthesis(): Promise<Synthesis> {
  const outdir = process.env[DIR_VARIABLE];
  if (!outdir) throw new Error(`No synthesis: ${DIR_VARIABLE} is unset (the infra project's global setup sets it).`);
  const pid = Number(process.env[PID_VARIABLE]);
  const deadline = Date.now() + SYNTHESIS_TIMEOUT_MS;
  for (;;) {
    if (existsSync(join(outdir, 'summary.json'))) break;
    const failed = join(outdir, 'failed.txt');
    if (existsSync(failed)) throw new Error(`The synthesis failed:\n${readFileSync(failed, 'utf8')}`);
    if ((pid && !isAlive(pid) && !existsSync(join(outdir, 'summary.json'))) || Date.now() > deadline) {
      const log = join(outdir, 'synth.log');
      throw new Error(`The synthesis stopped without a result:\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return new Synthesis(outdir, JSON.parse(readFileSync(join(outdir, 'summary.json'), 'utf8')));
}

/** The synthesis, for the hooks and tests of one file (waited for in its beforeAll). */
export function useSynthesis(): () => Synthesis {
  let synthesis: Synthesis | undefined;
  beforeAll(async () => {
    synthesis = await waitForSynthesis();
  }, SYNTHESIS_TIMEOUT_MS);
  return () => {
    if (!synthesis) throw new Error('The synthesis is read in beforeAll; use it in hooks and tests only.');
    return synthesis;
  };
}

export class Synthesis {
  private readonly flat = new Map<ConfigurationName, Template>();

  constructor(
    readonly outdir: string,
    readonly summary: SynthesisSummary,
  ) {}

  /** A template file of the assembly, as CloudFormation receives it. */
  json(templateFile: string): Json {
    return JSON.parse(readFileSync(join(this.outdir, templateFile), 'utf8'));
  }

  /** The application stack of a configuration and its route stacks, each as CloudFormation receives it. */
  stacks(name: ConfigurationName): { stackName: string; template: Json; nested: Record<string, Json> } {
    const configuration = this.summary.configurations[name];
    return {
      stackName: configuration.stackName,
      template: this.json(configuration.templateFile),
      nested: Object.fromEntries(
        Object.entries(configuration.nested).map(([area, { templateFile }]) => [area, this.json(templateFile)]),
      ),
    };
  }

  /**
   * The application stack of a configuration with its route stacks merged in, each reference
   * through a nested stack's parameter or output replaced by what it refers to: assertions read
   * one template, with the logical ids of the stack that holds each resource.
   */
  template(name: ConfigurationName): Template {
    let template = this.flat.get(name);
    if (!template) {
      template = Template.fromJSON(this.flatten(name), { skipCyclicalDependenciesCheck: true });
      this.flat.set(name, template);
    }
    return template;
  }

  private flatten(name: ConfigurationName): Json {
    const configuration = this.summary.configurations[name];
    const parent = this.json(configuration.templateFile);
    const resources: Record<string, Json> = { ...parent.Resources };
    const outputs = new Map<string, Json>();
    for (const { templateFile, resourceId } of Object.values(configuration.nested)) {
      const nested = this.json(templateFile);
      const parameters: Record<string, Json> = parent.Resources[resourceId].Properties.Parameters ?? {};
      const fromParameters = (value: Json) =>
        substitute(value, (node) => (typeof node.Ref === 'string' && node.Ref in parameters ? parameters[node.Ref] : undefined));
      for (const [id, resource] of Object.entries(nested.Resources as Record<string, Json>)) {
        if (id in resources) throw new Error(`Logical id ${id} is in the application stack and a route stack.`);
        resources[id] = fromParameters(resource);
      }
      for (const [output, { Value }] of Object.entries<Json>(nested.Outputs ?? {})) {
        outputs.set(`${resourceId}/Outputs.${output}`, fromParameters(Value));
      }
      delete resources[resourceId];
    }
    const nestedIds = new Set(Object.values(configuration.nested).map(({ resourceId }) => resourceId));
    const fromOutputs = (value: Json) =>
      substitute(value, (node) => {
        const getAtt = node['Fn::GetAtt'];
        if (Array.isArray(getAtt) && nestedIds.has(getAtt[0])) {
          const found = outputs.get(`${getAtt[0]}/${getAtt[1]}`);
          if (found === undefined) throw new Error(`No output ${getAtt[1]} in ${getAtt[0]}.`);
          return found;
        }
        return undefined;
      });
    for (const [id, resource] of Object.entries(resources)) {
      const replaced = fromOutputs(resource);
      if (Array.isArray(replaced.DependsOn)) replaced.DependsOn = replaced.DependsOn.filter((dep: string) => !nestedIds.has(dep));
      resources[id] = replaced;
    }
    return { ...parent, Resources: resources, Outputs: fromOutputs(parent.Outputs ?? {}) };
  }
}

/** A copy of `value` with every object node for which `replace` answers something (not undefined) replaced by that. */
function substitute(value: Json, replace: (node: Json) => Json): Json {
  if (Array.isArray(value)) return value.map((item) => substitute(item, replace));
  if (value && typeof value === 'object') {
    const replaced = replace(value);
    if (replaced !== undefined) return replaced;
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, substitute(child, replace)]));
  }
  return value;
}
