/**
 * `type: spark` pipeline steps written inline (code, entry, conf, args...): as azure-ai-ml's Spark node, the step's
 * Spark program becomes an anonymous spark component (registered, sent by id), and the step carries its entry,
 * conf, args, file lists, serverless resources and identity (user identity by default on serverless Spark, managed
 * identity on an attached pool, as the CLI defaults them).
 */
import { declaredNames } from './command-job';
import { componentHeader, localSpecOf, withAzuremlPrefix } from './component-header';
import { checkCommand } from './expressions';
import type { PipelineStep, SparkComponentSpec } from './model';
import { localComponent } from './pipeline-bindings';
import { readSparkComponentStep } from './spark-component';
import type { ReadStep, StepParts } from './pipeline-job';
import { idOf, restIdentity, snakeKeys, type Resolved } from './rest-parts';
import { list, readConf, readEntry, readSparkResources, SPARK_PROGRAM_KEYS } from './spark-job';
import { readCode, readEnvironment } from '../../../azureml/sources';
import { fields, isMapping, text, type Node } from '../../../yaml/read-node';

const SPARK_STEP_KEYS = [...SPARK_PROGRAM_KEYS, 'resources', 'identity'];
const LISTS = { py_files: 'pyFiles', jars: 'jars', files: 'files', archives: 'archives' } as const;

/**
 * A `type: spark` step: its program inline (an anonymous spark component made from the step) or a spark
 * component, a local file (registered anonymously) or a registered one.
 */
export function readSparkStep(node: Node, scope: string, parts: StepParts): ReadStep | undefined {
  if (node.child('component').present) return readSparkComponentStep(node, scope, parts);
  const hints = {
    code: 'the folder with the entry file, e.g. ./src',
    entry: 'file: <entry.py> (or class_name)',
  };
  const keys = [...parts.keys, ...SPARK_STEP_KEYS];
  if (!fields(node, { what: `step '${node.key}'`, keys, required: ['code', 'entry'], hints }))
    return undefined;
  const common = parts.common(node);
  const sparkResources = readSparkResources(node.child('resources'));
  const component = readSparkProgram(node, `step '${node.key}'`, {
    origin: 'step',
    location: node.location(),
    tags: {},
    inputs: {},
    outputs: {},
  });
  if (!component) return undefined;
  return {
    node,
    step: {
      ...common,
      type: 'spark',
      component: localComponent(node.key, component, scope),
      ...(sparkResources ? { sparkResources } : {}),
    },
    declaredOutputs: declaredNames(node.child('outputs')),
    component,
    inline: true,
  };
}

/** The program of a Spark step or component (code, entry, file lists, conf, args, environment). */
export function readSparkProgram(
  node: Node,
  owner: string,
  header: Omit<
    SparkComponentSpec,
    'type' | 'code' | 'entry' | 'pyFiles' | 'jars' | 'files' | 'archives' | 'conf'
  >,
): SparkComponentSpec | undefined {
  const code = readCode(node.child('code'));
  const entry = readEntry(node.child('entry'));
  const environment = node.child('environment').present
    ? readEnvironment(node.child('environment'))
    : undefined;
  readConf(node.child('conf'));
  const args = text(node.child('args'), 'the arguments of the entry, e.g. --data ${{inputs.data}}');
  if (args !== undefined)
    checkCommand(node.child('args'), args, {
      owner,
      inputs: declaredNames(node.child('inputs')),
      outputs: declaredNames(node.child('outputs')),
      optionalMayBeUndeclared: header.origin === 'step',
    });
  if (!code || !entry) return undefined;
  const conf = node.child('conf').value;
  return {
    type: 'spark',
    ...header,
    code,
    entry,
    ...(environment ? { environment } : {}),
    pyFiles: list(node.child('py_files')),
    jars: list(node.child('jars')),
    files: list(node.child('files')),
    archives: list(node.child('archives')),
    conf: isMapping(conf) ? conf : {},
    ...(args !== undefined ? { args: args.replace(/\s+/g, ' ').trim() } : {}),
  };
}

/** The file lists, conf and args of the program, in the CLI's keys. */
function program(spec: SparkComponentSpec): Record<string, unknown> {
  return {
    ...Object.fromEntries(
      Object.entries(LISTS)
        .filter(([, rest]) => spec[rest].length > 0)
        .map(([key, rest]) => [key, [...spec[rest]]]),
    ),
    ...(Object.keys(spec.conf).length > 0 ? { conf: { ...spec.conf } } : {}),
    ...(spec.args !== undefined ? { args: spec.args } : {}),
  };
}

/** What a Spark step adds to its node (Spark._to_rest_object). */
export function sparkNode(step: PipelineStep): Record<string, unknown> {
  const spec = localSpecOf(step, 'spark');
  const identity = step.identity
    ? restIdentity(step.identity)
    : step.compute
      ? { identityType: 'Managed' }
      : step.sparkResources
        ? { identityType: 'UserIdentity' }
        : undefined;
  return {
    ...(spec ? program(spec) : {}),
    // The step's own conf over its component's (Spark node: conf or component.conf).
    ...(step.sparkConf ? { conf: { ...step.sparkConf } } : {}),
    ...(spec
      ? {
          entry:
            'file' in spec.entry
              ? { file: spec.entry.file, spark_job_entry_type: 'SparkJobPythonEntry' }
              : { class_name: spec.entry.className, spark_job_entry_type: 'SparkJobScalaEntry' },
        }
      : {}),
    ...(identity ? { identity: snakeKeys(identity) } : {}),
    ...(step.sparkResources ? { resources: snakeKeys(step.sparkResources) } : {}),
  };
}

/** The component spec registered for a Spark step (azure-ai-ml's SparkComponent, YAML keys). */
export function sparkComponentSpec(
  spec: SparkComponentSpec,
  resolved: Resolved,
  step: string,
): Record<string, unknown> {
  const withPrefix = withAzuremlPrefix;
  return {
    ...componentHeader(spec, step, 'spark'),
    code: withPrefix(idOf(spec.code, resolved)),
    entry: 'file' in spec.entry ? { file: spec.entry.file } : { class_name: spec.entry.className },
    ...(spec.environment ? { environment: withPrefix(idOf(spec.environment, resolved)) } : {}),
    ...program(spec),
    _source: spec.origin === 'file' ? 'YAML.COMPONENT' : 'YAML.JOB',
  };
}
