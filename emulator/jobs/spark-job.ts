/**
 * The Spark job stand-in (README, "AutoML and Spark jobs: stand-ins"). The emulator has no Spark: it checks what
 * spark-submit would need (the entry file and the `py_files` / `files` / `jars` / `archives` in the code
 * snapshot, the inputs, the `args` references), writes the driver log (`logs/azureml/driver/stdout`: the
 * spark-submit command line it stands in for, then a note that nothing ran) and the outputs as a Spark job that
 * wrote nothing leaves them (`_SUCCESS` in each folder output, an empty file for a `uri_file` output).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { properties } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import { renderCommand } from './command-line';
import type { JobOutcome, RunnerContext } from './context';
import { JobFailure, type JobHandle } from './job-handle';
import { objectField, stringField } from './rest';
import { runStandIn } from './stand-in';

export const SPARK_DRIVER_LOG = 'logs/azureml/driver/stdout';
const LIST_OPTIONS: Record<string, string> = {
  pyFiles: '--py-files',
  files: '--files',
  jars: '--jars',
  archives: '--archives',
};

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A path of the code snapshot that must exist (URIs are Spark's to fetch). */
function missingFile(codeDir: string, path: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return false;
  return !existsSync(join(codeDir, normalize(path.replace(/#.*$/, ''))));
}

export function runSparkJob(ctx: RunnerContext, job: StoredResource, handle: JobHandle): Promise<JobOutcome> {
  const props = properties(job);
  const resources = objectField(props, 'resources');
  if (!stringField(props, 'computeId') && !stringField(resources, 'instanceType')) {
    throw new JobFailure(
      "A Spark job needs 'resources.instanceType' (serverless Spark compute) or 'computeId' (an attached " +
        'Synapse Spark pool).',
    );
  }
  return runStandIn(ctx, job, handle, props['inputs'], async (run) => {
    const entry = objectField(props, 'entry');
    const file = stringField(entry, 'file');
    const className = stringField(entry, 'className');
    if (file && missingFile(run.codeDir, file)) {
      throw new JobFailure(
        `Spark job failed: the entry file '${file}' is not in the job's code ('codeId'). python3: can't open ` +
          `file '${file}': [Errno 2] No such file or directory`,
      );
    }
    const words = ['spark-submit'];
    for (const [key, value] of Object.entries(objectField(props, 'conf')))
      words.push('--conf', `${key}=${String(value)}`);
    for (const [key, option] of Object.entries(LIST_OPTIONS)) {
      const paths = strings(props[key]);
      const missing = paths.filter((p) => missingFile(run.codeDir, p));
      if (missing.length > 0) {
        throw new JobFailure(
          `Spark job failed: ${missing.map((p) => `'${p}'`).join(', ')} (${key}) not found in the job's code ('codeId').`,
        );
      }
      if (paths.length > 0) words.push(option, paths.join(','));
    }
    if (className) words.push('--class', className);
    const args = renderCommand(stringField(props, 'args') ?? '', {
      inputs: Object.fromEntries(Object.entries(run.inputs).map(([k, v]) => [k, v.value])),
      outputs: Object.fromEntries(Object.entries(run.outputs).map(([k, v]) => [k, v.localPath])),
    });
    words.push(file ?? '', args);
    const runtime = stringField(resources, 'runtimeVersion') ?? '3.3';
    run.log(
      SPARK_DRIVER_LOG,
      `${words.filter((w) => w !== '').join(' ')}\n` +
        `Spark runtime ${runtime}, instance type ${stringField(resources, 'instanceType') ?? 'of the attached pool'}.\n` +
        'The Azure ML emulator stands in for Spark: the entry was checked, not run; the outputs are written empty.\n',
    );
    for (const output of Object.values(run.outputs)) {
      if (output.type === 'uri_file') await writeFile(output.localPath, '');
      else await writeFile(join(output.localDir, '_SUCCESS'), '');
    }
  });
}
