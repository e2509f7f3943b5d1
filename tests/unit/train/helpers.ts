import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JobSpecErrors, loadJobSpec, references, toRestJob } from '../../../shared/src/steps/train/job-spec';
import type { JobSpec, Reference, SetOverride } from '../../../shared/src/steps/train/job-spec';
import { scratchFolder } from '../../harness/scratch-folders';

export const FIXTURES = path.join(__dirname, '../../fixtures/train');
export const fixture = (...parts: string[]) => path.join(FIXTURES, ...parts);
export const WS =
  '/subscriptions/0000/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-weather';

/** What a resolver would answer for each reference, in the shapes the CLI sends. */
export function fakeId(reference: Reference): string {
  switch (reference.kind) {
    case 'code':
      return `${WS}/codes/${reference.source === 'local' ? path.basename(reference.path) : reference.asset.name}/versions/1`;
    case 'environment':
      return reference.source === 'inline'
        ? `${WS}/environments/CliV2AnonymousEnvironment/versions/${reference.key.slice(-8)}`
        : `${WS}/environments/${reference.asset.name}/versions/${reference.asset.version ?? '9'}`;
    case 'compute':
      return `${WS}/computes/${reference.name}`;
    case 'datastore':
      return `${WS}/datastores/${reference.name}`;
    case 'asset':
      return `azureml:${WS}/${reference.assetType}/${reference.asset.name}/versions/${reference.asset.version ?? '9'}`;
    case 'localInput':
      return `azureml://datastores/workspaceblobstore/paths/LocalUpload/0123abcd/${path.basename(reference.path)}`;
    case 'component':
      return reference.source === 'local'
        ? `${WS}/components/azureml_anonymous/versions/for-${reference.step}`
        : `${WS}/components/${reference.asset.name}/versions/${reference.asset.version ?? '9'}`;
  }
}

export function resolveAll(spec: JobSpec): Map<string, string> {
  return new Map(references(spec).map((reference) => [reference.key, fakeId(reference)]));
}

/** The problems of a job YAML as `file:line:column message`, file relative to the fixtures. */
export function problems(file: string, overrides: SetOverride[] = []): string[] {
  try {
    loadJobSpec(file, overrides);
  } catch (error) {
    if (!(error instanceof JobSpecErrors)) throw error;
    return error.errors.map((e) => {
      const where = e.location!;
      return `${path.relative(FIXTURES, where.file)}:${where.line}:${where.column} ${e.message}`;
    });
  }
  throw new Error(`expected ${file} to be rejected`);
}

/** The steps of a pipeline job's REST body (`properties.jobs`), every reference resolved by fakeId. */
export function stepBodies(file: string): Record<string, Record<string, unknown>> {
  const spec = loadJobSpec(file);
  const properties = toRestJob(spec, resolveAll(spec)).body.properties as unknown as {
    jobs: Record<string, Record<string, unknown>>;
  };
  return properties.jobs;
}

/** A copy of a fixture folder whose `pipeline.yml` is changed by `change`; the copy's pipeline.yml. */
export function pipelineVariant(folder: string, change: (text: string) => string): string {
  const dir = scratchFolder('pipeline-variant-');
  cpSync(fixture(folder), dir, { recursive: true });
  const file = path.join(dir, 'pipeline.yml');
  writeFileSync(file, change(readFileSync(file, 'utf8')));
  return file;
}

/** The problems of a job YAML anywhere, as `line:column message`. */
export function problemsAt(file: string): string[] {
  try {
    loadJobSpec(file);
  } catch (error) {
    if (!(error instanceof JobSpecErrors)) throw error;
    return error.errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.message}`);
  }
  throw new Error(`expected ${file} to be refused`);
}
