/**
 * Which resource names compare case-sensitively. ARM ids are case-insensitive (subscription, resource group,
 * provider namespace, type segments and the names of most resources), but Azure ML documents some names as
 * case-sensitive in the REST spec's path parameter descriptions ("This is case-sensitive."), and those are kept
 * as sent.
 *
 * Source: Azure/azure-rest-api-specs,
 * specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01/mfe.json
 * (the same descriptions are the `@param` docs of @azure/arm-machinelearning 2.1.1, generated from it):
 * - jobs `{id}`: "The name and identifier for the Job. This is case-sensitive."
 * - codes / environments / models `{name}`: "Container name. This is case-sensitive." and their versions
 *   `{version}`: "Version identifier. This is case-sensitive."
 * The spec says nothing of the case of data and component names and versions, online endpoint and deployment
 * names, computes and datastores: those stay case-insensitive, as ARM ids (emulator/README.md "ARM behaviour").
 */

export interface CaseSensitiveName {
  /** Provider namespace, lower case. */
  namespace: string;
  /** The resource type below the namespace, segments lower case, e.g. `workspaces/jobs`. */
  type: string;
}

const ML = 'microsoft.machinelearningservices';

export const CASE_SENSITIVE_NAMES: readonly CaseSensitiveName[] = [
  { namespace: ML, type: 'workspaces/jobs' },
  ...['codes', 'environments', 'models'].flatMap((asset) => [
    { namespace: ML, type: `workspaces/${asset}` },
    { namespace: ML, type: `workspaces/${asset}/versions` },
  ]),
];

const SENSITIVE = new Set(CASE_SENSITIVE_NAMES.map((n) => `${n.namespace}/${n.type}`));

/**
 * The key an ARM id is compared by: lower case, except the names of case-sensitive resource types (a name is
 * the segment after its type segment; types nest below `providers/{namespace}`, the last such pair counts).
 */
export function resourceKey(id: string): string {
  const segments = id.split('/');
  let typeOf: string | undefined;
  return segments
    .map((segment, i) => {
      const lower = segment.toLowerCase();
      const previous = segments[i - 1]?.toLowerCase();
      if (previous === 'providers') {
        typeOf = lower;
        return lower;
      }
      if (typeOf === undefined || i === 0) return lower;
      // Below a namespace: odd positions after it are type segments, even positions are names.
      const start = segments.findLastIndex((s, j) => j < i && s.toLowerCase() === 'providers') + 1;
      const offset = i - start;
      if (offset % 2 === 1) return lower;
      const type = segments
        .slice(start + 1, i)
        .filter((_, j) => j % 2 === 0)
        .join('/')
        .toLowerCase();
      return SENSITIVE.has(`${typeOf}/${type}`) ? segment : lower;
    })
    .join('/');
}
