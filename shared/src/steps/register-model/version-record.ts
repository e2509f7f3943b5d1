import type { ModelVersionProperties } from '@azure/arm-machinelearning';
import type { RegisterModelConfig } from './config';
import type { GateResult } from './gate';
import { tagsOfMetrics, type MetricSet } from './metrics';
import { PROPERTY, TAG } from '../../azureml/model-types';
import type { ResolvedSource } from './source';

/** What the new version records: searchable tags and its lineage as properties, which can never change. */
export interface VersionRecord {
  readonly tags: Record<string, string>;
  readonly properties: Record<string, string>;
  /** Body of the version's PUT. */
  readonly body: ModelVersionProperties;
}

/** The version to register: the source and its job, the candidate's metrics, the gate's verdict, the inputs' tags. */
export function versionRecord(
  config: RegisterModelConfig,
  source: ResolvedSource,
  candidate: MetricSet,
  gate: GateResult | undefined,
  lineage: Readonly<Record<string, string>>,
): VersionRecord {
  const tags = versionTags(config, source, candidate, gate, lineage);
  const properties: Record<string, string> = {
    ...config.properties,
    [PROPERTY.source]: source.key,
    ...(source.job ? { [PROPERTY.job]: source.job.name } : {}),
    ...(gate ? { [PROPERTY.gate]: JSON.stringify(gate) } : {}),
  };
  // The model YAML's flavors win over those of the MLmodel file, as they would with the CLI.
  const flavors = config.flavors ?? source.flavors;
  const body: ModelVersionProperties = {
    description: config.description ?? `Registered by the register-model step from the ${source.what}.`,
    tags,
    properties,
    modelType: source.type,
    modelUri: source.modelUri,
    ...(source.job ? { jobName: source.job.name } : {}),
    ...(flavors
      ? {
          flavors: Object.fromEntries(Object.entries(flavors).map(([k, data]) => [k, { data: { ...data } }])),
        }
      : {}),
  };
  return { tags, properties, body };
}

/** Lineage, source job, its metrics and data assets, the gate; the `tags` input last, so it wins. */
function versionTags(
  config: RegisterModelConfig,
  source: ResolvedSource,
  candidate: MetricSet,
  gate: GateResult | undefined,
  lineage: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    ...lineage,
    ...(source.job ? { [TAG.job]: source.job.name } : {}),
    ...(candidate.job ? tagsOfMetrics(candidate.job.values) : {}),
    ...Object.fromEntries(
      Object.entries(source.job?.dataAssets ?? {}).map(([input, asset]) => [
        `${TAG.dataPrefix}${input}`,
        asset,
      ]),
    ),
    ...(gate
      ? {
          [TAG.gateVerdict]: gate.verdict,
          [TAG.gateMetric]: gate.metric,
          [TAG.gateBaseline]: gate.baseline?.modelId ?? 'none',
        }
      : {}),
    ...config.tags,
  };
}
