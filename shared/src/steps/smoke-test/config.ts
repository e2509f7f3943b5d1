import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadCasesFile, requestFilePlan, type SmokePlan } from '../../smoke/cases-file';
import type { ParseContext } from '../../step/define';
import { containedPath } from '../../step/allowed-roots';
import { collectInputErrors, InputError, InputErrors } from '../../step/errors';
import type { InputName } from '../../step/input-types';
import type { StepInputs } from '../../step/inputs';
import { existingFile } from '../../step/input-paths';
import type { AzureSignInValues } from '../../azure/auth-config';
import { signInValues } from '../workspace-inputs';
import type { smokeTestManifest } from './manifest';

type SmokeTestInputs = StepInputs<typeof smokeTestManifest>;
type SmokeTestInput = InputName<typeof smokeTestManifest>;

export interface SmokeTestConfig {
  readonly scoringUri: string;
  /** The Azure ML online endpoint the scoring URI was read from, when named by `endpointName` (evidence). */
  readonly endpointName?: string;
  /** Sent as a bearer token; never logged. */
  readonly authKey?: string;
  readonly deploymentName?: string;
  /** The cases to run, from the cases file or the single request file. */
  readonly plan: SmokePlan;
  readonly readyTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Largest answer read; a larger one fails its case. */
  readonly maxResponseBytes: number;
  readonly latencyRequests: number;
  readonly concurrency: number;
  readonly maxP95Ms?: number;
  /** Absolute path of the JUnit XML to write. */
  readonly junitFile?: string;
  /** Input names as the user wrote them on their host, for messages about them. */
  readonly inputNames: {
    readonly maxP95Ms: string;
    readonly latencyRequests: string;
    readonly maxResponseMegabytes: string;
  };
}

/** An Azure ML online endpoint named instead of a scoring URI: its URI and key are read through ARM at run time. */
export interface EndpointByName {
  readonly endpointName: string;
  readonly resourceGroup: string;
  readonly workspaceName: string;
  readonly signIn: AzureSignInValues;
}

/** What the inputs ask for: a scoring URI, or an endpoint to look up first. */
export type SmokeTestRequest = Omit<SmokeTestConfig, 'scoringUri'> &
  (
    | { readonly scoringUri: string; readonly endpoint?: undefined }
    | { readonly scoringUri?: undefined; readonly endpoint: EndpointByName }
  );

/** Validates the smoke-test inputs and loads the cases; throws InputError(s) or a located DataError. */
export function parseSmokeTestConfig(inputs: SmokeTestInputs, context: ParseContext): SmokeTestRequest {
  const errors: InputError[] = [];
  const shown = (name: SmokeTestInput) => `'${inputs.displayName(name)}'`;

  const endpoint = endpointByName(inputs, errors);
  const scoringUri = inputs.string('scoringUri') ?? '';
  let url: URL | undefined;
  try {
    url = new URL(scoringUri);
  } catch {
    // reported below
  }
  if (endpoint || errors.length > 0) {
    // The endpoint is looked up instead (or the choice itself was wrong).
  } else if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    errors.push(
      new InputError(
        'scoringUri',
        `Input ${shown('scoringUri')} must be an http or https URL, got '${scoringUri}'.`,
      ),
    );
  } else if (url.username || url.password) {
    errors.push(
      new InputError(
        'scoringUri',
        `Input ${shown('scoringUri')} must not carry credentials: pass the key in ${shown('authKey')}.`,
      ),
    );
  }

  const casesFile = existingFile(inputs, 'casesFile', context, errors);
  const requestFile = existingFile(inputs, 'requestFile', context, errors);
  if (
    casesFile === undefined &&
    requestFile === undefined &&
    !errors.some((e) => e.input === 'casesFile' || e.input === 'requestFile')
  ) {
    errors.push(
      new InputError(
        'casesFile',
        `Give either ${shown('casesFile')} (cases with expectations) or ${shown('requestFile')} (one JSON request).`,
      ),
    );
  } else if (casesFile !== undefined && requestFile !== undefined) {
    errors.push(
      new InputError(
        'requestFile',
        `Give ${shown('casesFile')} or ${shown('requestFile')}, not both: put the request in the cases file.`,
      ),
    );
  }

  const junitFile = junitPath(inputs, context, errors);
  if (junitFile !== undefined && existsSync(junitFile) && statSync(junitFile).isDirectory()) {
    errors.push(
      new InputError(
        'junitFile',
        `Input ${shown('junitFile')} is a directory: give a file path such as smoke-test.xml.`,
      ),
    );
  }

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);

  // Load the cases only once the inputs are sound: their problems are in a file, not in the inputs.
  const plan = casesFile !== undefined ? loadCasesFile(casesFile) : requestFilePlan(requestFile!);
  const authKey = inputs.string('authKey');
  const deploymentName = inputs.string('deploymentName');
  const maxP95Ms = inputs.number('maxP95Ms');
  return {
    ...(endpoint ? { endpoint } : { scoringUri: url!.toString() }),
    ...(authKey ? { authKey } : {}),
    ...(deploymentName ? { deploymentName } : {}),
    plan,
    readyTimeoutMs: inputs.number('readyTimeoutSeconds') * 1000,
    requestTimeoutMs: inputs.number('requestTimeoutSeconds') * 1000,
    maxResponseBytes: inputs.number('maxResponseMegabytes') * 1024 * 1024,
    latencyRequests: inputs.number('latencyRequests'),
    concurrency: inputs.number('concurrency'),
    ...(maxP95Ms === undefined ? {} : { maxP95Ms }),
    ...(junitFile === undefined ? {} : { junitFile }),
    inputNames: shownNames(inputs),
  };
}

/** The inputs that messages name, as the user writes them on this host. */
function shownNames(inputs: SmokeTestInputs): SmokeTestConfig['inputNames'] {
  return {
    maxP95Ms: inputs.displayName('maxP95Ms'),
    latencyRequests: inputs.displayName('latencyRequests'),
    maxResponseMegabytes: inputs.displayName('maxResponseMegabytes'),
  };
}

/** The endpoint to look up when `endpointName` is given: exactly one of it and `scoringUri`, with its workspace. */
function endpointByName(inputs: SmokeTestInputs, errors: InputError[]): EndpointByName | undefined {
  const shown = (name: SmokeTestInput) => `'${inputs.displayName(name)}'`;
  const endpointName = inputs.string('endpointName');
  const scoringUri = inputs.string('scoringUri');
  if (endpointName && scoringUri) {
    errors.push(
      new InputError('endpointName', `Give ${shown('scoringUri')} or ${shown('endpointName')}, not both.`),
    );
    return undefined;
  }
  if (!endpointName) {
    if (!scoringUri)
      errors.push(
        new InputError(
          'scoringUri',
          `Input ${shown('scoringUri')} or ${shown('endpointName')} is required: the endpoint to test.`,
        ),
      );
    return undefined;
  }
  const resourceGroup = inputs.string('resourceGroup');
  const workspaceName = inputs.string('workspaceName');
  for (const [name, value] of [
    ['resourceGroup', resourceGroup],
    ['workspaceName', workspaceName],
  ] as const) {
    if (!value)
      errors.push(new InputError(name, `Input ${shown(name)} is required with ${shown('endpointName')}.`));
  }
  if (!resourceGroup || !workspaceName) return undefined;
  return { endpointName, resourceGroup, workspaceName, signIn: signInValues(inputs) };
}

/** Where the JUnit file goes (relative to the workspace), when asked for; outside the allowed folders is an error. */
function junitPath(inputs: SmokeTestInputs, context: ParseContext, errors: InputError[]): string | undefined {
  const text = inputs.string('junitFile');
  if (text === undefined) return undefined;
  const file = path.resolve(context.workspaceDir, text);
  collectInputErrors(errors, () => containedPath(file, 'junitFile', inputs.displayName('junitFile')));
  return file;
}
