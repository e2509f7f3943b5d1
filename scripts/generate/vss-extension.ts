import type { StepManifest } from '../../shared/src/step/manifest';
import type { ProjectInfo } from './project';
import { taskFolder } from './task-json';

export const extensionId = 'azureml-pipeline-steps';
export const publisher = 'mlops-steps';

/** The Marketplace manifest: every task of the suite, the icon and the overview page. */
export function renderVssExtension(manifests: readonly StepManifest[], project: ProjectInfo): string {
  const extension = {
    manifestVersion: 1,
    id: extensionId,
    name: 'Azure ML pipeline steps',
    version: project.version,
    publisher,
    description: project.description,
    public: false,
    categories: ['Azure Pipelines'],
    tags: ['Azure Machine Learning', 'MLOps', 'model deployment', 'drift', 'smoke test'],
    targets: [{ id: 'Microsoft.VisualStudio.Services' }],
    icons: { default: 'images/icon.png' },
    content: { details: { path: 'overview.md' } },
    repository: { type: 'git', uri: project.repositoryUrl },
    links: {
      repository: { uri: project.repositoryUrl },
      support: { uri: `${project.repositoryUrl}/issues` },
    },
    files: [{ path: 'images', addressable: true }, ...manifests.map((m) => ({ path: taskFolder(m) }))],
    contributions: manifests.map((m) => ({
      id: `${m.id}-task`,
      type: 'ms.vss-distributed-task.task',
      targets: ['ms.vss-distributed-task.tasks'],
      properties: { name: taskFolder(m) },
    })),
  };
  return JSON.stringify(extension, null, 2) + '\n';
}
