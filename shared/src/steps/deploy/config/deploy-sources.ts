import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { assetName, isFullId } from '../../../azureml/asset-names';
import type { CodeReference, FixedId } from '../../../azureml/references';
import { DataError, formatLocation, InputError } from '../../../step/errors';
import { existingFile, givenPath } from '../../../step/input-paths';
import { isInside } from '../../../step/allowed-roots';
import { YamlErrors } from '../../../yaml/problems';
import { MODEL_FORMS, parseModelText, type DeployModel } from '../model-reference';
import { loadDeploymentFile, type DeploymentFile } from '../spec/deployment-file';
import { loadEndpointFile, type EndpointFile } from '../spec/endpoint-file';
import { checkEndpointName, given, throwIfAny, type DeployParse } from './parse';
import type { CommonConfig } from './types';

/** What both deploy targets read: the YAML files, the model, the scoring code, the traffic shares. */
export interface DeploySources {
  readonly endpointSpec?: EndpointFile;
  readonly deploymentSpec?: DeploymentFile;
  /** Both YAML files (when given) were read: inputs they may give are only required then. */
  readonly yamlRead: boolean;
  readonly yamlProblems: readonly DataError[];
  readonly warnings: string[];
  /** Info lines: values of the YAML files an input overrides. */
  readonly notes: string[];
  /** The endpoint's name: the input, else the endpoint YAML's `name`, else the deployment YAML's `endpoint_name`. */
  readonly endpointName?: string;
  readonly model?: DeployModel;
  readonly environmentText?: string;
  readonly code?: CodeReference | FixedId;
  readonly scoringScript?: string;
  readonly trafficPercent?: number;
  readonly mirrorPercent?: number;
  /** `requireVerdict`: the model version must carry a passing release verdict (a workspace version only). */
  readonly requireVerdict: boolean;
}

/**
 * Reads what both targets of action deploy need. The YAML files are read even when an input is wrong, so that
 * every input problem is reported at once; their own problems (file:line:column) are reported once the inputs
 * are right (`finishDeploy`). An input the YAML may give is only required when the YAML could be read.
 */
export function parseDeploySources(parse: DeployParse, common: CommonConfig): DeploySources {
  const { inputs, context, errors, shown, fail } = parse;
  const endpointFile = existingFile(inputs, 'endpointFile', context, errors);
  const deploymentFile = existingFile(inputs, 'deploymentFile', context, errors);
  const codePath = givenPath(inputs, 'codePath', context);
  if (codePath !== undefined && (!existsSync(codePath) || !statSync(codePath).isDirectory()))
    fail(
      'codePath',
      `Input ${shown('codePath')}: folder '${inputs.string('codePath')}' not found (looked in ${context.workspaceDir}).`,
    );
  const shares = parseShares(parse, common);
  const modelText = inputs.string('modelId');
  const inputModel = modelText === undefined ? undefined : parseModelText(modelText);
  if (modelText !== undefined && !inputModel)
    fail('modelId', `Input ${shown('modelId')} must be ${MODEL_FORMS}; got '${modelText}'.`);
  const environmentText = inputs.string('environment');
  if (environmentText !== undefined && !assetName(environmentText) && !isFullId(environmentText))
    fail(
      'environment',
      `Input ${shown('environment')} must be azureml:<name>:<version>, azureml:<name>@latest, or an environment's ARM or azureml://registries/... id; got '${environmentText}'.`,
    );
  const specs = loadSpecs(endpointFile, deploymentFile);
  const { deploymentSpec } = specs;
  const yamlRead = specs.yamlProblems.length === 0;
  const warnings = specWarnings(parse, common, specs);
  const named = endpointNameOf(parse, common, specs);
  const model = inputModel ?? deploymentSpec?.model;
  if (inputModel && deploymentSpec?.model)
    named.notes.push(
      `${deploymentSpec.file}: 'model' ${deploymentSpec.model.text} is overridden by ${shown('modelId')} '${inputModel.text}'.`,
    );
  if (!model && yamlRead && modelText === undefined)
    fail(
      'modelId',
      `Input ${shown('modelId')} is required to deploy: a registered model, ${MODEL_FORMS} (or 'model' in the deployment YAML).`,
    );
  const requireVerdict = inputs.boolean('requireVerdict');
  if (requireVerdict && model) refuseUnjudgedModel(parse, model);
  return {
    ...specs,
    requireVerdict,
    yamlRead,
    warnings,
    ...named,
    ...(model ? { model } : {}),
    ...(environmentText !== undefined ? { environmentText } : {}),
    ...parseCode(parse, codePath, deploymentSpec),
    ...shares,
  };
}

/**
 * With `requireVerdict`, the model must be a workspace version the release-gate step could have judged: an inline
 * model would be registered by this run (no verdict yet), and a registry model's tags are not the workspace's.
 */
function refuseUnjudgedModel(parse: DeployParse, model: DeployModel): void {
  const { shown, fail } = parse;
  const on = `Input ${shown('requireVerdict')} is on`;
  const what = `deploy the workspace version the release-gate step passed (${shown('modelId')} azureml:<name>:<version>)`;
  if (model.kind === 'inline')
    parse.errors.push(
      new InputError(
        'requireVerdict',
        `${on}, and the deployment YAML's model is an ${model.text}: the step would register a new version, which no release verdict covers. Register it first (register-model), judge it (release-gate), then ${what}.`,
        model.location,
      ),
    );
  else if (model.kind === 'registry')
    fail(
      'requireVerdict',
      `${on}, and the model is a registry model (${model.text}): the release verdict is recorded on a workspace model version, not on a registry's. ${what.charAt(0).toUpperCase()}${what.slice(1)}.`,
    );
}

/** Throws the input problems, then the YAML files' own problems. */
export function finishDeploy(parse: DeployParse, sources: DeploySources): void {
  throwIfAny(parse.errors);
  if (sources.yamlProblems.length > 0) throw new YamlErrors([...sources.yamlProblems]);
}

function parseShares(parse: DeployParse, common: CommonConfig) {
  const { inputs, shown, fail, refuse } = parse;
  const trafficPercent = inputs.number('trafficPercent');
  const mirrorPercent = inputs.number('mirrorPercent');
  const noSplit = 'is for online endpoints: an ACI container group has no traffic split';
  refuse('trafficPercent', 'target', noSplit);
  refuse('mirrorPercent', 'target', noSplit);
  refuse('endpointFile', 'target', 'is for online endpoints (targets managed and kubernetes)');
  if (common.target === 'kubernetes' && mirrorPercent !== undefined && mirrorPercent > 0)
    fail(
      'mirrorPercent',
      `Input ${shown('mirrorPercent')}: Azure ML does not mirror traffic on Kubernetes online endpoints (managed endpoints only); leave it empty.`,
    );
  if ((trafficPercent ?? 0) > 0 && (mirrorPercent ?? 0) > 0)
    fail(
      'mirrorPercent',
      `Inputs ${shown('trafficPercent')} and ${shown('mirrorPercent')}: a deployment cannot get live and mirrored traffic at once; mirror to it at ${shown('trafficPercent')} 0.`,
    );
  return {
    ...(trafficPercent !== undefined ? { trafficPercent } : {}),
    ...(mirrorPercent !== undefined ? { mirrorPercent } : {}),
  };
}

function loadSpecs(endpointFile: string | undefined, deploymentFile: string | undefined) {
  const yamlProblems: DataError[] = [];
  const load = <T>(file: string | undefined, read: (file: string) => T): T | undefined => {
    if (file === undefined) return undefined;
    try {
      return read(file);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      yamlProblems.push(...(error instanceof YamlErrors ? error.errors : [error]));
      return undefined;
    }
  };
  const endpointSpec = load(endpointFile, loadEndpointFile);
  const deploymentSpec = load(deploymentFile, loadDeploymentFile);
  return {
    ...(endpointSpec ? { endpointSpec } : {}),
    ...(deploymentSpec ? { deploymentSpec } : {}),
    yamlProblems,
  };
}

/** The YAML files' own warnings, the names the inputs override, and a deployment type that disagrees. */
function specWarnings(
  parse: DeployParse,
  { target }: CommonConfig,
  { endpointSpec, deploymentSpec }: { endpointSpec?: EndpointFile; deploymentSpec?: DeploymentFile },
): string[] {
  const { shown } = parse;
  const warnings = [...(endpointSpec?.warnings ?? []), ...(deploymentSpec?.warnings ?? [])];
  if (deploymentSpec?.type !== undefined && deploymentSpec.type !== target && target !== 'aci') {
    const where = deploymentSpec.typeLocation ? `${formatLocation(deploymentSpec.typeLocation)}: ` : '';
    parse.fail(
      'target',
      `${where}the deployment YAML is of type ${deploymentSpec.type} but ${shown('target')} is ${target}: make them agree.`,
    );
  }
  return warnings;
}

/**
 * The endpoint's name (the input wins, as the README promises; a file's other name is an info line) and the
 * deployment YAML's `endpoint_name` when it disagrees with the endpoint YAML's `name`.
 */
function endpointNameOf(
  parse: DeployParse,
  common: CommonConfig,
  { endpointSpec, deploymentSpec }: { endpointSpec?: EndpointFile; deploymentSpec?: DeploymentFile },
): { endpointName?: string; notes: string[] } {
  const { shown, fail } = parse;
  const notes: string[] = [];
  const input = parse.inputs.string('endpointName');
  const endpointName = input ?? endpointSpec?.name ?? deploymentSpec?.endpointName;
  const named = (file: string, key: string, value: string | undefined) => {
    if (value === undefined || endpointName === undefined || value === endpointName) return;
    if (input !== undefined)
      notes.push(`${file}: '${key}' ${value} is overridden by ${shown('endpointName')} '${input}'.`);
    else
      fail(
        'deploymentFile',
        `${file}: '${key}' is ${value} but the endpoint YAML names endpoint ${endpointName}: make them agree (or give ${shown('endpointName')}).`,
      );
  };
  if (endpointSpec) named(endpointSpec.file, 'name', endpointSpec.name);
  if (deploymentSpec) named(deploymentSpec.file, 'endpoint_name', deploymentSpec.endpointName);
  if (input === undefined && endpointName !== undefined) checkEndpointName(parse, common, endpointName);
  return { ...(endpointName !== undefined ? { endpointName } : {}), notes };
}

/** Code: the input folder wins over the YAML's code_configuration; the script may come from either. */
function parseCode(parse: DeployParse, codePath: string | undefined, deploymentSpec?: DeploymentFile) {
  const { inputs, shown, fail } = parse;
  const scoringScript = inputs.string('scoringScript') ?? deploymentSpec?.scoringScript;
  let code: CodeReference | FixedId | undefined = deploymentSpec?.code;
  if (codePath !== undefined)
    code = {
      kind: 'code',
      source: 'local',
      path: codePath,
      isFile: false,
      key: `code:${codePath}`,
      location: { file: codePath },
    };
  if (code && scoringScript === undefined)
    fail(
      'scoringScript',
      `Input ${shown('scoringScript')} is required with ${shown('codePath')}: the scoring script in that folder (init() and run(raw)).`,
    );
  if (!code && given(inputs, 'scoringScript'))
    fail(
      'codePath',
      `Input ${shown('codePath')} is required with ${shown('scoringScript')}: the folder holding the script.`,
    );
  if (code?.kind === 'code' && code.source === 'local' && scoringScript !== undefined) {
    const script = path.resolve(code.path, scoringScript);
    if (!isInside(script, code.path))
      fail(
        'scoringScript',
        `Input ${shown('scoringScript')}: '${scoringScript}' leads out of the code folder ${code.path}; give the script's path inside that folder (only the folder is uploaded).`,
      );
    if (!existsSync(script) || !statSync(script).isFile())
      fail(
        'scoringScript',
        `Input ${shown('scoringScript')}: '${scoringScript}' is not a file in the code folder ${code.path}.`,
      );
  }
  return { ...(code ? { code } : {}), ...(scoringScript !== undefined ? { scoringScript } : {}) };
}
