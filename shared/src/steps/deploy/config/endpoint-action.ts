import { collectInputErrors, DataError, formatLocation } from '../../../step/errors';
import { existingFile } from '../../../step/input-paths';
import { YamlErrors } from '../../../yaml/problems';
import { loadEndpointFile, type EndpointFile, type FileTraffic } from '../spec/endpoint-file';
import { parseTraffic, type Traffic } from '../traffic';
import { endpointSettings, parseKubernetes } from './online-deploy';
import { checkEndpointName, throwIfAny, type DeployParse } from './parse';
import type { CommonConfig, EndpointActionConfig } from './types';

/**
 * Action endpoint: the online endpoint alone, as `az ml online-endpoint create -f` (or `update -f`) makes it: the
 * endpoint YAML (its name, auth mode, identity, compute, traffic, mirrored traffic) with the inputs over it.
 */
export function parseEndpointAction(parse: DeployParse, common: CommonConfig): EndpointActionConfig {
  const { inputs, context, errors, shown, fail, refuse } = parse;
  for (const input of ['environment', 'instanceType', 'instanceCount'] as const)
    refuse(input, 'action', 'is for action deploy (action endpoint writes the endpoint alone)');
  if (inputs.string('deploymentName') !== undefined)
    fail(
      'deploymentName',
      `Input ${shown('deploymentName')} is for actions deploy and delete-deployment: action endpoint writes the endpoint alone.`,
    );
  const { target } = common;
  if (target === 'aci')
    fail('target', `Action endpoint is for online endpoints (targets managed and kubernetes), not aci.`);
  const file = existingFile(inputs, 'endpointFile', context, errors);
  let endpointSpec: EndpointFile | undefined;
  const yamlProblems: DataError[] = [];
  try {
    endpointSpec = file === undefined ? undefined : loadEndpointFile(file, { traffic: 'read' });
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    yamlProblems.push(...(error instanceof YamlErrors ? error.errors : [error]));
  }
  const yamlRead = yamlProblems.length === 0;
  const notes: string[] = [];
  const endpointName = nameOf(parse, common, endpointSpec, notes, yamlRead);
  const kubernetes = target === 'kubernetes' ? parseKubernetes(parse, { endpointSpec, yamlRead }) : undefined;
  if (target === 'managed' && endpointSpec?.compute !== undefined)
    fail(
      'endpointFile',
      `${endpointSpec.file}: 'compute' is for Kubernetes online endpoints; ${shown('target')} is ${target}.`,
    );
  const traffic = trafficOf(parse, endpointSpec?.traffic, notes);
  const mirror = endpointSpec?.mirrorTraffic;
  if (target === 'kubernetes' && mirror && Object.values(mirror.shares).some((share) => share > 0))
    fail(
      'endpointFile',
      `${formatLocation(mirror.location)}: Azure ML does not mirror traffic on Kubernetes online endpoints (managed endpoints only); remove 'mirror_traffic' or set it to 0.`,
    );
  throwIfAny(errors);
  if (!yamlRead) throw new YamlErrors(yamlProblems);
  return {
    ...common,
    action: 'endpoint',
    target: target === 'aci' ? 'managed' : target,
    endpointName: endpointName!,
    endpoint: endpointSettings(parse, endpointSpec),
    ...(kubernetes ? { kubernetes } : {}),
    ...(traffic ? { traffic } : {}),
    ...(mirror
      ? { mirrorTraffic: { shares: mirror.shares, source: sourceOf(mirror, 'mirror_traffic') } }
      : {}),
    warnings: endpointSpec?.warnings ?? [],
    notes,
  };
}

function sourceOf(traffic: FileTraffic, key: string): string {
  return `'${key}' at ${formatLocation(traffic.location)}`;
}

/** The endpoint's name: the input, else the YAML's `name` (a different one is an info line). */
function nameOf(
  parse: DeployParse,
  common: CommonConfig,
  spec: EndpointFile | undefined,
  notes: string[],
  yamlRead: boolean,
): string | undefined {
  const input = parse.inputs.string('endpointName');
  if (input !== undefined && spec?.name !== undefined && spec.name !== input)
    notes.push(
      `${spec.file}: 'name' ${spec.name} is overridden by ${parse.shown('endpointName')} '${input}'.`,
    );
  const name = input ?? spec?.name;
  if (name === undefined && yamlRead)
    parse.fail(
      'endpointName',
      `Input ${parse.shown('endpointName')} is required for action endpoint: the online endpoint's name (or 'name' in the endpoint YAML).`,
    );
  if (input === undefined && name !== undefined) checkEndpointName(parse, common, name);
  return name;
}

/** The `traffic` input wins over the YAML's `traffic` (an info line says so). */
function trafficOf(
  parse: DeployParse,
  fromFile: FileTraffic | undefined,
  notes: string[],
): { shares: Traffic; source: string } | undefined {
  const text = parse.inputs.string('traffic');
  if (text === undefined)
    return fromFile ? { shares: fromFile.shares, source: sourceOf(fromFile, 'traffic') } : undefined;
  if (fromFile)
    notes.push(
      `${formatLocation(fromFile.location)}: 'traffic' is overridden by ${parse.shown('traffic')} '${text}'.`,
    );
  let shares: Traffic = {};
  collectInputErrors(parse.errors, () => (shares = parseTraffic(text, parse.inputs.displayName('traffic'))));
  return { shares, source: `input ${parse.shown('traffic')}` };
}
