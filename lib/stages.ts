/**
 * Deployment stages: `cdk deploy -c stage=NAME` deploys a separate copy of Datagate (its own
 * stacks, API, table, user pool, buckets, queues, alarms, web ACL) beside the others in the same
 * account and region. Without a stage, the names are those of a deployment made before stages
 * existed (stack `Datagate`, API `datagate`): that is the default stage, and it keeps working.
 *
 * Only a few resources carry a name chosen here (the stacks, the REST API, the Cognito domain
 * prefix, the web ACL's metric name); CloudFormation names every other resource after its stack,
 * so a stage's stack name keeps them apart.
 */

/** A stage name: a lower-case letter, then lower-case letters, digits or hyphens, 1 to 20 in all. */
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

export interface StageNames {
  /** The stage, or undefined for the default stage. */
  readonly stage?: string;
  /** The application stack's name (CloudFormation): `Datagate` or `Datagate-<stage>`. */
  readonly stackName: string;
  /** Lower-case prefix of names chosen by the stack (the REST API, the Cognito domain): `datagate` or `datagate-<stage>`. */
  readonly prefix: string;
}

/** The names of a stage; `undefined` is the default stage. */
export function stageNames(stage?: string): StageNames {
  if (stage === undefined) return { stackName: 'Datagate', prefix: 'datagate' };
  if (!STAGE_NAME.test(stage)) {
    throw new Error(
      `Stage "${stage}" is not a valid stage name: a lower-case letter, then lower-case letters, digits or hyphens (at most 20).`,
    );
  }
  return { stage, stackName: `Datagate-${stage}`, prefix: `datagate-${stage}` };
}
