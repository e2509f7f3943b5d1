import type { AzureCloudOverride } from '../platform/ports';
import { InputError } from '../step/errors';

/** Where ARM and Entra ID live for one run, and the scope ARM tokens are asked for. */
export interface AzureCloud {
  /** `AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud`, or `Custom` when overridden. */
  readonly name: string;
  /** ARM base URL without a trailing slash. */
  readonly armEndpoint: string;
  /** Entra ID authority host (https). */
  readonly authorityHost: string;
  /**
   * Scope of ARM tokens. Passed to ARM clients as `credentialScopes`: without it they ask for
   * `<endpoint>/.default`, which is wrong as soon as the endpoint is overridden.
   */
  readonly armScope: string;
  /** True when ARM or the authority came from the override: no Entra instance discovery then. */
  readonly custom: boolean;
}

function publicCloud(name: string, armEndpoint: string, authorityHost: string): AzureCloud {
  return { name, armEndpoint, authorityHost, armScope: `${armEndpoint}/.default`, custom: false };
}

/** The clouds Azure Machine Learning runs in, by the names Azure DevOps service connections use. */
export const azureClouds: Readonly<Record<string, AzureCloud>> = {
  AzureCloud: publicCloud('AzureCloud', 'https://management.azure.com', 'https://login.microsoftonline.com'),
  AzureUSGovernment: publicCloud(
    'AzureUSGovernment',
    'https://management.usgovcloudapi.net',
    'https://login.microsoftonline.us',
  ),
  AzureChinaCloud: publicCloud(
    'AzureChinaCloud',
    'https://management.chinacloudapi.cn',
    'https://login.chinacloudapi.cn',
  ),
};

export const cloudOverrideVariables = {
  armEndpoint: 'AZUREML_STEPS_ARM_ENDPOINT',
  authorityHost: 'AZUREML_STEPS_AUTHORITY_HOST',
} as const;

/**
 * The cloud for a run: the named one (default AzureCloud), with the override's ARM endpoint and authority host
 * winning when set. `input` names what chose the cloud (the service connection) for error messages.
 */
export function resolveCloud(
  name: string | undefined,
  override: AzureCloudOverride | undefined,
  input = 'azureSubscription',
): AzureCloud {
  const wanted = name?.trim() || 'AzureCloud';
  const known = Object.values(azureClouds).find((cloud) => cloud.name.toLowerCase() === wanted.toLowerCase());
  const armEndpoint =
    override?.armEndpoint && httpsUrl(override.armEndpoint, cloudOverrideVariables.armEndpoint);
  const authorityHost =
    override?.authorityHost && httpsUrl(override.authorityHost, cloudOverrideVariables.authorityHost);
  if (!known && !(armEndpoint && authorityHost)) {
    throw new InputError(
      input,
      `Azure environment '${wanted}' is not supported: Azure Machine Learning runs in ${Object.keys(azureClouds).join(', ')}. ` +
        `Use a service connection for one of them, or set ${cloudOverrideVariables.armEndpoint} and ` +
        `${cloudOverrideVariables.authorityHost} to the ARM endpoint and authority host of your cloud.`,
    );
  }
  const base = known ?? azureClouds.AzureCloud!;
  if (!armEndpoint && !authorityHost) return base;
  return {
    name: 'Custom',
    armEndpoint: armEndpoint || base.armEndpoint,
    authorityHost: authorityHost || base.authorityHost,
    // Tokens keep the audience of the cloud's ARM resource: a stand-in ARM accepts what the real one would.
    armScope: base.armScope,
    custom: true,
  };
}

function httpsUrl(value: string, variable: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InputError(variable, `${variable} must be an https URL, got '${value}'.`);
  }
  // Bearer tokens are never sent over plain http (the SDKs refuse to).
  if (url.protocol !== 'https:')
    throw new InputError(variable, `${variable} must be an https URL, got '${value}'.`);
  return url.toString().replace(/\/+$/, '');
}
