/**
 * Cross-field rules of an online endpoint PUT, as the REST descriptions and Azure ML docs state them:
 * - `traffic` ("Percentage of traffic from endpoint to divert to each deployment. Traffic values need to sum to
 *   100.", OnlineEndpointProperties, 2022-10-01 and later): whole percentages 0..100 summing to 100, or all 0 /
 *   empty (an endpoint without deployments, or with its traffic taken away), only to deployments of the endpoint;
 * - `mirrorTraffic` ("Traffic values need to sum to utmost 50.", 2023-04-01 and later): whole percentages summing to at most
 *   50, only to existing deployments, and to one deployment only, which takes no live traffic (Azure ML docs,
 *   "Perform safe rollout of new deployments for real-time inference": mirroring limitations).
 */
import type { ResourceStore } from '../store';
import type { Problem } from './validate';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names of the endpoint's deployments, lower case (an endpoint being created has none). */
function deploymentNames(endpointId: string, store: ResourceStore): Set<string> {
  return new Set(store.children(endpointId, 'deployments').map((d) => String(d.body['name']).toLowerCase()));
}

function percentages(
  field: string,
  split: Record<string, unknown>,
  deployments: Set<string>,
  problems: Problem[],
): number {
  let sum = 0;
  for (const [name, value] of Object.entries(split)) {
    const path = `properties.${field}.${name}`;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100)
      problems.push({ path, message: `must be a whole percentage from 0 to 100 (got ${String(value)})` });
    else sum += value;
    if (!deployments.has(name.toLowerCase()))
      problems.push({ path, message: `deployment '${name}' does not exist under this endpoint` });
  }
  return sum;
}

export function endpointRules(body: unknown, endpointId: string, store: ResourceStore): Problem[] {
  const props = isRecord(body) && isRecord(body['properties']) ? body['properties'] : {};
  const deployments = deploymentNames(endpointId, store);
  const problems: Problem[] = [];
  const traffic = isRecord(props['traffic']) ? props['traffic'] : {};
  const sum = percentages('traffic', traffic, deployments, problems);
  if (problems.length === 0 && sum !== 0 && sum !== 100)
    problems.push({
      path: 'properties.traffic',
      message: `values sum to ${sum}; they must sum to 100 (or all be 0)`,
    });
  const mirror = isRecord(props['mirrorTraffic']) ? props['mirrorTraffic'] : {};
  const before = problems.length;
  const mirrorSum = percentages('mirrorTraffic', mirror, deployments, problems);
  if (problems.length === before && mirrorSum > 50)
    problems.push({
      path: 'properties.mirrorTraffic',
      message: `values sum to ${mirrorSum}; at most 50 may be mirrored`,
    });
  const mirrored = Object.entries(mirror).filter(([, v]) => typeof v === 'number' && v > 0);
  if (mirrored.length > 1)
    problems.push({
      path: 'properties.mirrorTraffic',
      message: 'traffic may be mirrored to one deployment only',
    });
  for (const [name] of mirrored) {
    const live = traffic[name];
    if (typeof live === 'number' && live > 0)
      problems.push({
        path: `properties.mirrorTraffic.${name}`,
        message: `deployment '${name}' takes live traffic (${live}); it cannot receive mirrored traffic too`,
      });
  }
  return problems;
}
