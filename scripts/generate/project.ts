import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Facts about the project that generated files repeat: read from package.json, the one source. */
export interface ProjectInfo {
  readonly version: string;
  readonly author: string;
  readonly repositoryUrl: string;
  readonly description: string;
}

export const repoRoot = join(__dirname, '..', '..');

export function readProjectInfo(root = repoRoot): ProjectInfo {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    author: string;
    description: string;
    repository: { url: string };
  };
  return {
    version: pkg.version,
    author: pkg.author,
    repositoryUrl: pkg.repository.url,
    description: pkg.description,
  };
}

export const generatedNotice = (source: string) =>
  `Generated from ${source} by \`npm run generate\`: do not edit.`;

export const manifestSource = (stepId: string) => `shared/src/steps/${stepId}/manifest.ts`;
