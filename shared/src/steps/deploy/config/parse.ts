import { inputsNotApplying } from '../../../step/applies-when';
import type { ParseContext } from '../../../step/define';
import { InputError, InputErrors } from '../../../step/errors';
import type { StepInputs } from '../../../step/inputs';
import { workspaceRef } from '../../workspace-inputs';
import { deployManifest } from '../manifest';
import { CONTAINER_GROUP_NAME, DEPLOYMENT_NAME, ENDPOINT_NAME } from '../names';
import type { CommonConfig, DeployInput } from './types';

export type DeployInputs = StepInputs<typeof deployManifest>;

/** One parse of the deploy inputs: what was read, and the problems found so far (all reported at once). */
export interface DeployParse {
  readonly inputs: DeployInputs;
  readonly context: ParseContext;
  readonly errors: InputError[];
  /** `'name'`, as the user wrote the input on their host. */
  readonly shown: (input: DeployInput) => string;
  readonly fail: (input: string, message: string) => void;
  /**
   * Refuses `input` when it was given where the manifest's `appliesWhen` does not hold for `key` (action or
   * target): `Input '<name>' <why>.`
   */
  readonly refuse: (input: DeployInput, key: 'action' | 'target', why: string) => void;
  /** Whether `input` was given where `key` does not let it apply (see `refuse`). */
  readonly outOfPlace: (input: DeployInput, key: 'action' | 'target') => boolean;
}

export function startParse(inputs: DeployInputs, context: ParseContext): DeployParse {
  const errors: InputError[] = [];
  const shown = (name: DeployInput) => `'${inputs.displayName(name)}'`;
  const fail = (input: string, message: string) => errors.push(new InputError(input, message));
  const unmet = new Map(
    inputsNotApplying(deployManifest, inputs.publicValues()).map(({ name, unmet }) => [name, unmet]),
  );
  const outOfPlace = (input: DeployInput, key: 'action' | 'target') =>
    unmet.get(input)?.includes(key) ?? false;
  const refuse = (input: DeployInput, key: 'action' | 'target', why: string) => {
    if (outOfPlace(input, key)) fail(input, `Input ${shown(input)} ${why}.`);
  };
  return { inputs, context, errors, shown, fail, refuse, outOfPlace };
}

/**
 * What every action reads: the workspace, the target, the endpoint (or container group) name, the timeout. Action
 * deploy to an online endpoint may take the endpoint's name from the YAML files (deploy-sources.ts): there the
 * name is empty until they are read.
 */
export function parseCommon(parse: DeployParse): CommonConfig {
  const { inputs, shown, fail } = parse;
  const target = inputs.choice('target');
  const endpointName = inputs.string('endpointName');
  const timeoutMinutes = inputs.number('timeoutMinutes');
  const common = {
    workspace: workspaceRef(inputs),
    target,
    endpointName: endpointName ?? '',
    timeoutMinutes,
    dryRun: inputs.boolean('dryRun'),
    shown: (input: DeployInput) => inputs.displayName(input),
  };
  if (endpointName !== undefined) checkEndpointName(parse, common, endpointName);
  else if (!['deploy', 'endpoint'].includes(inputs.choice('action')) || target === 'aci')
    fail(
      'endpointName',
      `Input ${shown('endpointName')} is required: the ${target === 'aci' ? 'ACI container group' : 'online endpoint'}'s name.`,
    );
  return common;
}

/** The endpoint's (or container group's) name follows Azure's rules. */
export function checkEndpointName(
  parse: DeployParse,
  { target }: Pick<CommonConfig, 'target'>,
  endpointName: string,
): void {
  const { shown, fail } = parse;
  if (target === 'aci') {
    if (!CONTAINER_GROUP_NAME.test(endpointName))
      fail(
        'endpointName',
        `Input ${shown('endpointName')} names the ACI container group: 1 to 63 lowercase letters, digits and '-', no '-' at either end; got '${endpointName}'.`,
      );
  } else if (!ENDPOINT_NAME.test(endpointName)) {
    fail(
      'endpointName',
      `Input ${shown('endpointName')} must be an online endpoint name: 3 to 32 letters, digits and '-', a letter first and no '-' at the end; got '${endpointName}'.`,
    );
  }
}

/**
 * Inputs of another action or target (the manifest's `appliesWhen`) are refused rather than silently ignored.
 * Each action then answers its own (deploy-sources.ts and aci-deploy.ts for target aci, delete-deployment.ts);
 * an input no parser names is ignored where it does not apply (`aciCpu` under target managed), as always.
 */
export function refuseOtherActionsInputs(parse: DeployParse): void {
  const { refuse, shown } = parse;
  refuse(
    'traffic',
    'action',
    `is for action set-traffic (and action endpoint); to give a new deployment its share use ${shown('trafficPercent')}`,
  );
  for (const input of [
    'trafficPercent',
    'mirrorPercent',
    'modelId',
    'codePath',
    'scoringScript',
    'deploymentFile',
    'requireVerdict',
  ] as const)
    refuse(input, 'action', 'is for action deploy');
  refuse('restoreTraffic', 'action', 'is for action reject (the split to restore)');
  if (parse.inputs.boolean('keepPrevious'))
    refuse(
      'keepPrevious',
      'action',
      'is for action promote (keep the deployments that served before at 0 %)',
    );
  refuse(
    'compute',
    'target',
    'is for target kubernetes (the workspace compute the AKS cluster is attached as)',
  );
  refuse('aksCluster', 'target', 'is for target kubernetes');
  refuse('attachCluster', 'target', 'is for target kubernetes');
  refuse('aciDnsLabel', 'target', 'is for target aci');
  for (const input of [
    'monitor',
    'monitorReferenceData',
    'monitorThresholdsFile',
    'monitorEmails',
  ] as const) {
    refuse(input, 'action', 'is for action deploy to an online endpoint (its model monitor)');
    refuse(
      input,
      'target',
      'is for online endpoints (targets managed and kubernetes): ACI has no model monitor',
    );
  }
}

export function checkDeploymentName(parse: DeployParse, name: string): void {
  if (!DEPLOYMENT_NAME.test(name))
    parse.fail(
      'deploymentName',
      `Input ${parse.shown('deploymentName')} must be a deployment name: 3 to 32 letters, digits and '-', a letter first and no '-' at the end; got '${name}'.`,
    );
}

/** Whether the user gave the input (defaults count too: only ask about inputs the manifest gives no default). */
export function given(inputs: DeployInputs, name: DeployInput): boolean {
  return name in inputs.publicValues();
}

export function throwIfAny(errors: InputError[]): void {
  if (errors.length > 0) throw new InputErrors(errors);
}
