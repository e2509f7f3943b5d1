/**
 * The model of an online deployment as the CLI takes it (decision 0017): a registered version, `@latest`, a
 * registry model, or an inline model (`model: {path: ./model}`, `model: ./model`) registered by the step.
 */
import type { ModelFile } from '../../azureml/model-file';
import type { SourceLocation } from '../../step/errors';
import { parseModelId, type ModelRef } from './names';

/** A registered version of the workspace: `azureml:<name>:<version>`. */
export type VersionModel = ModelRef & { readonly kind: 'version' };
/** The newest version of a workspace model: `azureml:<name>@latest`. */
export interface LatestModel {
  readonly kind: 'latest';
  readonly name: string;
  readonly text: string;
}
/** A registry model, `azureml://registries/<r>/models/<n>/versions/<v>` or `.../labels/latest`: sent as written. */
export interface RegistryModel {
  readonly kind: 'registry';
  readonly id: string;
  readonly text: string;
}
/** A model written inline in the deployment YAML: uploaded and registered by the step, as the CLI does. */
export interface InlineModel {
  readonly kind: 'inline';
  readonly model: Omit<ModelFile, 'warnings'>;
  readonly text: string;
  readonly location: SourceLocation;
}

export type DeployModel = VersionModel | LatestModel | RegistryModel | InlineModel;

const LATEST = /^azureml:([A-Za-z0-9][A-Za-z0-9_.-]{0,254})@latest$/;
const REGISTRY =
  /^azureml:\/\/registries\/[A-Za-z0-9][A-Za-z0-9_-]*\/models\/[A-Za-z0-9][A-Za-z0-9_.-]*\/(?:versions\/[A-Za-z0-9_.-]+|labels\/latest)$/;

/** A model named by text (the `modelId` input, or `model:` in the YAML): undefined when it is none of the forms. */
export function parseModelText(text: string): Exclude<DeployModel, InlineModel> | undefined {
  const trimmed = text.trim();
  const version = parseModelId(trimmed);
  if (version) return { kind: 'version', ...version };
  const latest = LATEST.exec(trimmed);
  if (latest) return { kind: 'latest', name: latest[1]!, text: trimmed };
  if (REGISTRY.test(trimmed)) return { kind: 'registry', id: trimmed, text: trimmed };
  return undefined;
}

/** The forms a model may be named in, for messages. */
export const MODEL_FORMS =
  'azureml:<name>:<version>, azureml:<name>@latest, or azureml://registries/<registry>/models/<name>/versions/<version> (or .../labels/latest)';
