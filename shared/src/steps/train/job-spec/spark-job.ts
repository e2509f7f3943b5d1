/**
 * `type: spark` jobs: the CLI v2 keys (azure-ai-ml `_schema/job/spark_job.py`, `entities/_job/spark_job.py`) read
 * into the REST `SparkJob` (jobType Spark, REST 2025-12-01), as `az ml job create` translates them.
 */
import type { JobBaseProperties } from '@azure/arm-machinelearning';
import { declaredNames, JOB_KEYS } from './command-job';
import { readIdentity, readMetadata, readServices, jobOrigin } from './command-parts';
import { readCompute } from './compute';
import { checkCommand } from './expressions';
import { readInputs, readOutputs } from './io';
import type { SparkJobSpec } from './model';
import { idOf, literalText, restInputs, restOutputs, type Resolved } from './rest-parts';
import { readCode, readEnvironment } from '../../../azureml/sources';
import { fields, isMapping, stringMap, text, type Node } from '../../../yaml/read-node';

/** The keys of a Spark program (a job's or a pipeline step's). */
export const SPARK_PROGRAM_KEYS = [
  'code',
  'entry',
  'py_files',
  'jars',
  'files',
  'archives',
  'conf',
  'args',
  'environment',
  'environment_variables',
];
const KEYS = [...JOB_KEYS, ...SPARK_PROGRAM_KEYS, 'resources'];

export function readSparkJob(root: Node): SparkJobSpec | undefined {
  const hints = {
    code: 'the folder with the entry file, e.g. ./src',
    entry: 'file: <entry.py> (or class_name)',
  };
  if (!fields(root, { what: 'a Spark job', keys: KEYS, required: ['code', 'entry'], hints }))
    return undefined;
  const metadata = readMetadata(root);
  const code = readCode(root.child('code'));
  const entry = readEntry(root.child('entry'));
  const compute = root.child('compute').present ? readCompute(root.child('compute')) : undefined;
  const environment = root.child('environment').present
    ? readEnvironment(root.child('environment'))
    : undefined;
  const inputs = readInputs(root.child('inputs'), 'job');
  const outputs = readOutputs(root.child('outputs'), 'job');
  const identity = readIdentity(root.child('identity'));
  const services = readServices(root.child('services'));
  const resources = readSparkResources(root.child('resources'));
  const args = text(root.child('args'), 'the arguments of the entry, e.g. --data ${{inputs.data}}');
  if (args !== undefined)
    checkCommand(root.child('args'), args, {
      owner: 'the Spark job',
      inputs: declaredNames(root.child('inputs')),
      outputs: declaredNames(root.child('outputs')),
      optionalMayBeUndeclared: true,
    });
  if (!compute && !resources)
    root.error(
      `A Spark job needs 'compute' (an attached Synapse Spark pool) or 'resources.instance_type' (serverless Spark)`,
    );
  if (!code || !entry) return undefined;
  return {
    type: 'spark',
    ...jobOrigin(root),
    ...metadata,
    ...(compute ? { compute } : {}),
    inputs,
    outputs,
    services,
    ...(identity ? { identity } : {}),
    code,
    entry,
    ...(environment ? { environment } : {}),
    environmentVariables: stringMap(root.child('environment_variables')),
    pyFiles: list(root.child('py_files')),
    jars: list(root.child('jars')),
    files: list(root.child('files')),
    archives: list(root.child('archives')),
    conf: readConf(root.child('conf')),
    ...(args !== undefined ? { args: args.replace(/\s+/g, ' ').trim() } : {}),
    ...(resources ? { resources } : {}),
  };
}

export function readEntry(node: Node): SparkJobSpec['entry'] | undefined {
  if (!node.present) return undefined;
  if (!fields(node, { what: `'entry' of a Spark job`, keys: ['file', 'class_name'] })) return undefined;
  const file = text(node.child('file'), 'the entry file, relative to code');
  const className = text(node.child('class_name'), 'a fully qualified class name');
  if ((file === undefined) === (className === undefined)) {
    node.error(`'entry' needs exactly one of 'file' (a Python file) and 'class_name' (a JVM class)`);
    return undefined;
  }
  return file !== undefined ? { file } : { className: className! };
}

export function list(node: Node): string[] {
  if (!node.present) return [];
  if (!Array.isArray(node.value)) {
    node.expected('a list of paths relative to code');
    return [];
  }
  return node.value.flatMap((_, i) => text(node.child(i), 'a path') ?? []);
}

/** `conf`: Spark properties; the service takes them as text (booleans as the CLI writes them, True/False). */
export function readConf(node: Node): Record<string, string> {
  if (!node.present) return {};
  if (!isMapping(node.value)) {
    node.expected('a mapping of Spark properties, e.g. spark.driver.cores: 1');
    return {};
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(node.value)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      result[key] = literalText(value);
    else node.child(key).expected('a string, a number or a boolean');
  }
  return result;
}

export function readSparkResources(node: Node): SparkJobSpec['resources'] {
  if (!node.present) return undefined;
  if (
    !fields(node, {
      what: `'resources' of a Spark job`,
      keys: ['instance_type', 'runtime_version'],
      required: ['instance_type', 'runtime_version'],
    })
  )
    return undefined;
  const instanceType = text(node.child('instance_type'), 'a serverless Spark size, e.g. standard_e4s_v3');
  const runtimeVersion = text(node.child('runtime_version'), 'a Spark runtime version, e.g. "3.4"');
  if (instanceType === undefined || runtimeVersion === undefined) return undefined;
  return { instanceType, runtimeVersion };
}

/** The REST `SparkJob`. */
export function sparkJob(spec: SparkJobSpec, resolved: Resolved): Partial<JobBaseProperties> {
  const inputs = restInputs(spec.inputs, resolved);
  const outputs = restOutputs(spec.outputs);
  const lists = { pyFiles: spec.pyFiles, jars: spec.jars, files: spec.files, archives: spec.archives };
  return {
    jobType: 'Spark',
    codeId: idOf(spec.code, resolved),
    entry:
      'file' in spec.entry
        ? { sparkJobEntryType: 'SparkJobPythonEntry', file: spec.entry.file }
        : { sparkJobEntryType: 'SparkJobScalaEntry', className: spec.entry.className },
    ...(spec.environment ? { environmentId: idOf(spec.environment, resolved) } : {}),
    ...(Object.keys(spec.environmentVariables).length > 0
      ? { environmentVariables: { ...spec.environmentVariables } }
      : {}),
    ...Object.fromEntries(Object.entries(lists).filter(([, values]) => values.length > 0)),
    ...(Object.keys(spec.conf).length > 0 ? { conf: { ...spec.conf } } : {}),
    ...(spec.args !== undefined ? { args: spec.args } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(Object.keys(outputs).length > 0 ? { outputs } : {}),
    ...(spec.resources ? { resources: { ...spec.resources } } : {}),
  } as Partial<JobBaseProperties>;
}
