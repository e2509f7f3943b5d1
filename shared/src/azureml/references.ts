/**
 * What a job or a deployment refers to in an Azure ML workspace (code, environments, computes, datastores, assets,
 * components), as read from CLI v2 YAML: each is looked up or created before it is used (resolve-references.ts).
 */
import type { SourceLocation } from '../step/errors';

export const DATA_TYPES = [
  'uri_file',
  'uri_folder',
  'mltable',
  'mlflow_model',
  'custom_model',
  'triton_model',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** A workspace asset named `azureml:name:version` or `azureml:name@latest`. */
export interface AssetName {
  readonly name: string;
  readonly version?: string;
  readonly label?: 'latest';
  /** As written, e.g. `azureml:cifar10:1`. */
  readonly text: string;
}

/** Something to look up or create in the workspace before a job is submitted or a deployment is made. */
export type Reference<Spec = unknown> =
  | CodeReference
  | EnvironmentReference
  | ComputeReference
  | DatastoreReference
  | AssetReference
  | LocalInputReference
  | ComponentReference<Spec>;

interface ReferenceBase {
  /** Identical things share a key: the resolver looks each key up once; `resolved` maps keys to ids. */
  readonly key: string;
  /** Where it was first written. */
  readonly location: SourceLocation;
}

/** Code to upload (a local folder or file) or a registered code asset. */
export type CodeReference = ReferenceBase & { readonly kind: 'code' } & (
    | { readonly source: 'local'; readonly path: string; readonly isFile: boolean }
    | { readonly source: 'workspace'; readonly asset: AssetName }
  );

export interface InlineEnvironment {
  readonly image?: string;
  readonly condaFile?: { readonly path?: string; readonly content: string };
  /** A local folder (absolute) or an http(s) URL, with the Dockerfile path inside it. */
  readonly build?: { readonly path: string; readonly local: boolean; readonly dockerfilePath?: string };
  readonly osType?: 'linux' | 'windows';
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** An environment to register anonymously (inline definition) or a workspace environment to find. */
export type EnvironmentReference = ReferenceBase & { readonly kind: 'environment' } & (
    | ({ readonly source: 'inline' } & InlineEnvironment)
    | { readonly source: 'workspace'; readonly asset: AssetName }
  );

export interface ComputeReference extends ReferenceBase {
  readonly kind: 'compute';
  readonly name: string;
}

export interface DatastoreReference extends ReferenceBase {
  readonly kind: 'datastore';
  readonly name: string;
}

/** A registered data or model asset used as an input. */
export interface AssetReference extends ReferenceBase {
  readonly kind: 'asset';
  readonly assetType: 'data' | 'model';
  readonly asset: AssetName;
  readonly inputType: DataType;
}

/** A local file or folder used as an input: uploaded to the default datastore. */
export interface LocalInputReference extends ReferenceBase {
  readonly kind: 'localInput';
  readonly path: string;
  readonly isFile: boolean;
  readonly inputType: DataType;
}

/**
 * The component of a pipeline step: a local one (file, inline or the step itself) to register, or a workspace one.
 * `Spec` is what a local component is made of (the train step's component model).
 */
export type ComponentReference<Spec = unknown> = ReferenceBase & {
  readonly kind: 'component';
  readonly step: string;
} & (
    | { readonly source: 'local'; readonly spec: Spec }
    | { readonly source: 'workspace'; readonly asset: AssetName }
  );

/** An id given in full (an ARM id, an `azureml://registries/...` or storage URI): nothing to look up. */
export interface FixedId {
  readonly kind: 'fixed';
  readonly id: string;
  readonly location: SourceLocation;
}
