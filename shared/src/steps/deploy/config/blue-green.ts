import { collectInputErrors, InputError, InputErrors } from '../../../step/errors';
import { parseTraffic, type Traffic } from '../traffic';
import { checkDeploymentName, type DeployParse } from './parse';
import type { CommonConfig, PromoteConfig, RejectConfig } from './types';

/** Action promote: `deploymentName` (the new deployment) and `keepPrevious`; online endpoints only. */
export function parsePromote(parse: DeployParse, common: CommonConfig): PromoteConfig {
  const deploymentName = blueGreenDeployment(parse, common, 'promote');
  return {
    ...common,
    action: 'promote',
    target: common.target === 'aci' ? 'managed' : common.target,
    deploymentName,
    keepPrevious: parse.inputs.boolean('keepPrevious'),
  };
}

/** Action reject: `deploymentName` (the new deployment) and, optionally, the split to restore. */
export function parseReject(parse: DeployParse, common: CommonConfig): RejectConfig {
  const { inputs, errors } = parse;
  let restoreTraffic: Traffic | undefined;
  const deploymentName = blueGreenDeployment(parse, common, 'reject', () => {
    const text = inputs.string('restoreTraffic');
    if (text !== undefined)
      collectInputErrors(
        errors,
        () => (restoreTraffic = parseRestoreTraffic(text, inputs.displayName('restoreTraffic'))),
      );
  });
  return {
    ...common,
    action: 'reject',
    target: common.target === 'aci' ? 'managed' : common.target,
    deploymentName,
    ...(restoreTraffic ? { restoreTraffic } : {}),
  };
}

/** The deployment promote and reject act on; the target must be an online endpoint. Throws every problem at once. */
function blueGreenDeployment(
  parse: DeployParse,
  common: CommonConfig,
  action: 'promote' | 'reject',
  more?: () => void,
): string {
  const { inputs, shown, fail } = parse;
  if (common.target === 'aci')
    fail(
      'target',
      `Action ${action} is for online endpoints (targets managed and kubernetes): an ACI container group has one container and no traffic split. Deploy a new container group and delete the old one (action delete-deployment).`,
    );
  const deploymentName = inputs.string('deploymentName');
  if (deploymentName === undefined)
    fail(
      'deploymentName',
      `Input ${shown('deploymentName')} is required for action ${action}: the new deployment of '${common.endpointName}' to ${action === 'promote' ? 'give all traffic' : 'remove'}.`,
    );
  else checkDeploymentName(parse, deploymentName);
  more?.();
  if (parse.errors.length > 0) throw new InputErrors(parse.errors);
  return deploymentName!;
}

/**
 * The split to restore: the JSON the deploy step's `previousTraffic` output gives (`{"blue":100,"green":0}`), or
 * `blue=100` as set-traffic takes it. `{}` (the endpoint had no traffic) is allowed: nothing to restore but the
 * deployment's removal. Shares are whole percentages summing to 100.
 */
export function parseRestoreTraffic(text: string, input: string): Traffic {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return parseTraffic(trimmed, input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    throw new InputError(
      input,
      `Input '${input}' is not valid JSON (${(error as Error).message}); give the deploy step's previousTraffic output, e.g. '{"blue":100}'.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InputError(input, `Input '${input}' must be a JSON object of deployment name → percent.`);
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0) return {};
  const bad = entries.filter(([, v]) => typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100);
  if (bad.length)
    throw new InputError(
      input,
      `Input '${input}': ${bad.map(([n, v]) => `the share of '${n}' must be a whole number from 0 to 100, got ${JSON.stringify(v)}`).join('; ')}.`,
    );
  const total = entries.reduce((sum, [, v]) => sum + (v as number), 0);
  if (total === 0) return {};
  return parseTraffic(entries.map(([n, v]) => `${n}=${String(v)}`).join(','), input);
}
