import { machineLearningApiVersion } from '../../shared/src/azure/api-versions';
import type { AzurePickList, InputSpec, StepManifest } from '../../shared/src/step/manifest';

/** A task.json `dataSourceBinding`: how the classic editor fills a pick list through a service connection. */
export interface DataSourceBinding {
  readonly target: string;
  readonly endpointId: string;
  readonly dataSourceName?: string;
  readonly endpointUrl?: string;
  readonly resultSelector?: string;
  readonly resultTemplate?: string;
}

/**
 * The pick lists of a task: resource groups from Azure DevOps' built-in `AzureResourceGroups` data source, and
 * the workspaces of the chosen group from ARM's list call, both through the task's Azure Resource Manager
 * connection (`{{{endpoint.*}}}` are the connection's URL and subscription; `$(input)` another input's value).
 */
export function dataSourceBindings(
  manifest: StepManifest,
  inputs: readonly InputSpec[],
): DataSourceBinding[] {
  const listed = inputs.filter((input) => input.pickFrom);
  if (listed.length === 0) return [];
  const connection = inputs.find((input) => input.type === 'azureConnection');
  if (!connection)
    throw new Error(
      `${manifest.id}: '${listed[0]!.name}' lists from Azure but the task has no Azure connection input.`,
    );
  const byList = (list: AzurePickList) => inputs.find((input) => input.pickFrom === list);
  return listed.map((input) => {
    const endpointId = `$(${connection.name})`;
    if (input.pickFrom === 'resourceGroups')
      return { target: input.name, endpointId, dataSourceName: 'AzureResourceGroups' };
    const group = byList('resourceGroups');
    if (!group)
      throw new Error(
        `${manifest.id}: '${input.name}' lists workspaces but no input lists their resource group.`,
      );
    return {
      target: input.name,
      endpointId,
      endpointUrl: workspacesUrl(group.name),
      resultSelector: 'jsonpath:$.value[*]',
      resultTemplate: '{ "Value" : "{{{name}}}", "DisplayValue" : "{{{name}}}" }',
    };
  });
}

/** ARM's list of the Azure Machine Learning workspaces in the resource group another input names. */
function workspacesUrl(groupInput: string): string {
  return (
    '{{{endpoint.url}}}subscriptions/{{{endpoint.subscriptionId}}}' +
    `/resourceGroups/$(${groupInput})/providers/Microsoft.MachineLearningServices/workspaces` +
    `?api-version=${machineLearningApiVersion}`
  );
}
