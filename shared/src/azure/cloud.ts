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
  /**
   * Scope of tokens for the workspace data plane (the MLflow tracking API): the cloud's Azure ML resource,
   * which is not ARM's (`https://ml.azure.com` in the public cloud, `.us` / `.cn` in the sovereign ones).
   */
  readonly mlScope: string;
  /** DNS suffix of storage accounts (`core.windows.net`): blob endpoints are `<account>.blob.<suffix>`. */
  readonly storageSuffix: string;
  /**
   * Blob service URL template with `{account}` (`AZUREML_STEPS_BLOB_ENDPOINT`), replacing
   * `https://<account>.blob.<suffix>` for every account; undefined in the real clouds.
   */
  readonly blobEndpointTemplate?: string;
  /** True when ARM or the authority came from the override: no Entra instance discovery then. */
  readonly custom: boolean;
}

function publicCloud(
  name: string,
  armEndpoint: string,
  authorityHost: string,
  mlResource: string,
  storageSuffix: string,
): AzureCloud {
  return {
    name,
    armEndpoint,
    authorityHost,
    armScope: `${armEndpoint}/.default`,
    mlScope: `${mlResource}/.default`,
    storageSuffix,
    custom: false,
  };
}

/**
 * The clouds Azure Machine Learning runs in, by the names Azure DevOps service connections use. Azure ML
 * resources and storage suffixes as the Azure ML SDK (azure-ai-ml `_azure_environments.py`) has them.
 */
export const azureClouds: Readonly<Record<string, AzureCloud>> = {
  AzureCloud: publicCloud(
    'AzureCloud',
    'https://management.azure.com',
    'https://login.microsoftonline.com',
    'https://ml.azure.com',
    'core.windows.net',
  ),
  AzureUSGovernment: publicCloud(
    'AzureUSGovernment',
    'https://management.usgovcloudapi.net',
    'https://login.microsoftonline.us',
    'https://ml.azure.us',
    'core.usgovcloudapi.net',
  ),
  AzureChinaCloud: publicCloud(
    'AzureChinaCloud',
    'https://management.chinacloudapi.cn',
    'https://login.chinacloudapi.cn',
    'https://ml.azure.cn',
    'core.chinacloudapi.cn',
  ),
};

export const cloudOverrideVariables = {
  armEndpoint: 'AZUREML_STEPS_ARM_ENDPOINT',
  authorityHost: 'AZUREML_STEPS_AUTHORITY_HOST',
  blobEndpoint: 'AZUREML_STEPS_BLOB_ENDPOINT',
} as const;

/** The placeholder `AZUREML_STEPS_BLOB_ENDPOINT` must contain. */
export const blobAccountPlaceholder = '{account}';

/**
 * The cloud for a run: the named one (default AzureCloud), with the override's ARM endpoint, authority host and
 * blob endpoint template winning when set. `input` names what chose the cloud (the service connection) for
 * error messages.
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
  const blobEndpointTemplate = override?.blobEndpoint && blobTemplate(override.blobEndpoint);
  const base = known ?? azureClouds.AzureCloud!;
  const withBlob = blobEndpointTemplate ? { ...base, blobEndpointTemplate } : base;
  if (!armEndpoint && !authorityHost) return withBlob;
  return {
    ...withBlob,
    name: 'Custom',
    armEndpoint: armEndpoint || base.armEndpoint,
    authorityHost: authorityHost || base.authorityHost,
    // Tokens keep the audiences of the cloud's resources (ARM, Azure ML): a stand-in accepts what the real one would.
    custom: true,
  };
}

/**
 * The blob service URL of a storage account: the override template with the account filled in, or
 * `https://<account>.blob.<suffix>`, where `suffix` is the datastore's `endpoint` (default: the cloud's).
 */
export function blobServiceUrl(cloud: AzureCloud, accountName: string, suffix?: string): string {
  if (cloud.blobEndpointTemplate)
    return cloud.blobEndpointTemplate.split(blobAccountPlaceholder).join(encodeURIComponent(accountName));
  return `https://${accountName}.blob.${suffix?.trim() || cloud.storageSuffix}`;
}

/** Checks `AZUREML_STEPS_BLOB_ENDPOINT`: an https URL containing `{account}`, without a trailing slash. */
function blobTemplate(value: string): string {
  const variable = cloudOverrideVariables.blobEndpoint;
  const template = value.trim();
  const example = `e.g. 'https://127.0.0.1:10000/${blobAccountPlaceholder}'`;
  if (!template.includes(blobAccountPlaceholder)) {
    throw new InputError(
      variable,
      `${variable} must contain ${blobAccountPlaceholder} where the storage account name goes (${example}), got '${value}'.`,
    );
  }
  // Validate the URL shape with a sample account name in place of the placeholder.
  const sample = httpsUrl(template.split(blobAccountPlaceholder).join('account'), variable);
  if (sample.includes('?') || sample.includes('#')) {
    throw new InputError(
      variable,
      `${variable} must not have a query or fragment (${example}), got '${value}'.`,
    );
  }
  return template.replace(/\/+$/, '');
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
