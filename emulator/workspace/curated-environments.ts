/**
 * Curated environments: what every Azure ML workspace shows without anyone creating it ("Curated environments are
 * provided by Azure Machine Learning and are available in your workspace by default", Azure ML docs
 * "What are Azure Machine Learning environments?", concept-environments). In a workspace they are environment
 * containers named `AzureML-<registry name>` whose versions have `environmentType: Curated`, so that
 * `azureml:AzureML-sklearn-1.5@latest` resolves there; the same environments live in the `azureml` registry
 * (`azureml://registries/azureml/environments/sklearn-1.5/versions/<n>`), which jobs name as they are.
 *
 * Names: folders of Azure/azureml-assets (`assets/training/general/environments/<name>`, `asset.yaml` `name:`;
 * `assets/inference/environments/minimal-ubuntu22.04-py39-cpu-inference`), images `mcr.microsoft.com/azureml/curated/
 * <name>` (the assets' `environment.yaml` `image.name`, published to MCR); lightgbm-3.3's description and tags are
 * its `spec.yaml`'s, the others are written in the same style; `AzureML-sklearn-1.0-ubuntu20.04-py38-cpu` is the
 * name the serverless-compute docs (how-to-use-serverless-compute) use with `@latest`. The version numbers are
 * plausible, not copied from a live workspace (the registry bumps them on every rebuild).
 * MIT-licensed source (Azure/azureml-assets); only names and short facts are taken.
 */
export interface CuratedEnvironment {
  /** Name in the `azureml` registry; the workspace container is `AzureML-<name>`. */
  registryName: string;
  /** The latest version (older ones are kept too: `versions` of them, down to `latest - versions + 1`). */
  latest: number;
  versions: number;
  description: string;
  tags: Record<string, string>;
}

export const CURATED_ENVIRONMENTS: readonly CuratedEnvironment[] = [
  {
    registryName: 'sklearn-1.5',
    latest: 27,
    versions: 3,
    description:
      'An environment for tasks such as regression, clustering, and classification with Scikit-learn.',
    tags: { 'Scikit-learn': '1.5', OS: 'Ubuntu22.04', Training: '', Python: '3.10' },
  },
  {
    registryName: 'lightgbm-3.3',
    latest: 64,
    versions: 2,
    description:
      'An environment for tasks such as regression, clustering, and classification with LightGBM. Contains the ' +
      'Azure ML SDK and additional python packages.',
    tags: { LightGBM: '4.6', OS: 'Ubuntu24.04', Training: '', Preview: '', OpenMpi: '5.0', Python: '3.10' },
  },
  {
    registryName: 'tensorflow-2.16-cuda12',
    latest: 19,
    versions: 2,
    description:
      'An environment for deep learning with Tensorflow containing the Azure ML SDK and additional python packages.',
    tags: { Tensorflow: '2.16', GPU: 'Cuda12', OS: 'Ubuntu22.04', Training: '', Python: '3.10' },
  },
  {
    registryName: 'acpt-pytorch-2.2-cuda12.1',
    latest: 41,
    versions: 2,
    description: 'Azure Container for PyTorch (ACPT): PyTorch 2.2 with CUDA 12.1 for training at scale.',
    tags: { PyTorch: '2.2', GPU: 'Cuda12', OS: 'Ubuntu20.04', Training: '', Python: '3.10' },
  },
  {
    registryName: 'minimal-ubuntu22.04-py39-cpu-inference',
    latest: 22,
    versions: 2,
    description: 'A minimal environment for CPU inference: Python 3.9 and the Azure ML inference server.',
    tags: { OS: 'Ubuntu22.04', Inferencing: '', Preview: '', Python: '3.9' },
  },
  {
    registryName: 'sklearn-1.0-ubuntu20.04-py38-cpu',
    latest: 33,
    versions: 2,
    description:
      'An environment for tasks such as regression, clustering, and classification with Scikit-learn.',
    tags: { 'Scikit-learn': '1.0', OS: 'Ubuntu20.04', Training: '', Python: '3.8' },
  },
];

/** The workspace container name of a curated environment (`AzureML-sklearn-1.5`). */
export const curatedContainerName = (env: CuratedEnvironment): string => `AzureML-${env.registryName}`;

/** The version properties Azure ML shows for a curated environment version. */
export function curatedVersionProperties(env: CuratedEnvironment, version: number): Record<string, unknown> {
  return {
    description: env.description,
    tags: { ...env.tags },
    image: `mcr.microsoft.com/azureml/curated/${env.registryName}:${version}`,
    osType: 'Linux',
  };
}

/** Adds the curated environments to a workspace, as Azure ML shows them there (`environmentType: Curated`). */
export function addCuratedEnvironments(
  assets: {
    addAssetVersion(
      workspaceId: string,
      type: 'environments',
      name: string,
      version: string,
      props: Record<string, unknown>,
    ): { body: Record<string, unknown> };
  },
  workspaceId: string,
): void {
  for (const env of CURATED_ENVIRONMENTS) {
    for (let version = env.latest - env.versions + 1; version <= env.latest; version++) {
      const created = assets.addAssetVersion(
        workspaceId,
        'environments',
        curatedContainerName(env),
        String(version),
        curatedVersionProperties(env, version),
      );
      (created.body['properties'] as Record<string, unknown>)['environmentType'] = 'Curated';
    }
  }
}
