import type { StepManifest } from '../../shared/src/step/manifest';
import { screenshotNames, screenshotPath } from '../screenshots/names';
import type { ProjectInfo } from './project';
import { taskFolder } from './task-json';

export const extensionId = 'azureml-pipeline-steps';
export const publisher = 'mlops-steps';

/**
 * The Marketplace manifest: every task of the suite, and what a public listing shows (icon, overview with its
 * pictures, licence, links). Publishing it public needs a verified publisher.
 */
export function renderVssExtension(manifests: readonly StepManifest[], project: ProjectInfo): string {
  const repository = project.repositoryUrl;
  const extension = {
    manifestVersion: 1,
    id: extensionId,
    name: 'Azure ML pipeline steps',
    version: project.version,
    publisher,
    description: project.description,
    public: true,
    galleryFlags: ['Public'],
    categories: ['Azure Pipelines'],
    tags: [
      'Azure Machine Learning',
      'MLOps',
      'model deployment',
      'blue/green',
      'drift',
      'smoke test',
      'release gate',
      'GitHub Actions',
    ],
    targets: [{ id: 'Microsoft.VisualStudio.Services' }],
    icons: { default: 'images/icon.png' },
    branding: { color: 'rgb(0, 120, 212)', theme: 'dark' },
    screenshots: screenshotNames.map((name) => ({ path: screenshotPath(name) })),
    content: { details: { path: 'overview.md' }, license: { path: 'LICENSE' } },
    repository: { type: 'git', uri: repository },
    links: {
      getstarted: { uri: `${repository}#try-it` },
      learn: { uri: `${repository}/tree/main/docs` },
      license: { uri: `${repository}/blob/main/LICENSE` },
      repository: { uri: repository },
      support: { uri: `${repository}/issues` },
    },
    files: [
      { path: 'images', addressable: true },
      { path: 'CHANGELOG.md', addressable: true },
      ...manifests.map((m) => ({ path: taskFolder(m) })),
    ],
    contributions: manifests.map((m) => ({
      id: `${m.id}-task`,
      type: 'ms.vss-distributed-task.task',
      targets: ['ms.vss-distributed-task.tasks'],
      properties: { name: taskFolder(m) },
    })),
  };
  return JSON.stringify(extension, null, 2) + '\n';
}
