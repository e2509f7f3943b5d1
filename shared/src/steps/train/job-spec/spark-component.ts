/**
 * Spark steps that name a spark component (`component:`): a local `type: spark` component file, read like the
 * CLI's SparkComponentSchema and registered anonymously as a command component file is, or a registered one. As
 * azure-ai-ml's Spark node, the step sends its component's entry, file lists and args, its own conf or else its
 * component's, and its own resources and identity.
 */
import { COMPONENT_KEYS, componentMetadata, loadComponentRoot } from './component';
import { readComponentInputs, readComponentOutputs } from './io';
import type { SparkComponentSpec } from './model';
import { localComponent } from './pipeline-bindings';
import type { ReadStep, StepParts } from './pipeline-job';
import { readConf, readSparkResources, SPARK_PROGRAM_KEYS } from './spark-job';
import { readSparkProgram } from './spark-step';
import { describe } from '../../../yaml/problems';
import { fields, isMapping, type Node } from '../../../yaml/read-node';

/** A spark step with `component:` (a file or a registered spark component). */
export function readSparkComponentStep(node: Node, scope: string, parts: StepParts): ReadStep | undefined {
  const keys = [...parts.keys, 'conf', 'resources', 'identity'];
  if (!fields(node, { what: `step '${node.key}' (a step running a spark component)`, keys }))
    return undefined;
  const common = parts.common(node);
  const sparkResources = readSparkResources(node.child('resources'));
  readConf(node.child('conf'));
  const conf = node.child('conf').value;
  const settings = {
    type: 'spark' as const,
    ...(sparkResources ? { sparkResources } : {}),
    ...(isMapping(conf) ? { sparkConf: conf } : {}),
  };
  const componentNode = node.child('component');
  const written = componentNode.value;
  if (typeof written !== 'string') {
    componentNode.expected('a spark component YAML path or a registered one, azureml:<name>:<version>');
    return undefined;
  }
  if (parts.isRegistered(written)) {
    const component = parts.registered(componentNode, written, node.key);
    return component ? { node, step: { ...common, ...settings, component }, inline: false } : undefined;
  }
  const component = loadSparkComponentFile(componentNode, written);
  if (!component) return undefined;
  parts.check(node, component);
  return {
    node,
    step: { ...common, ...settings, component: localComponent(node.key, component, scope) },
    declaredOutputs: Object.keys(component.outputs),
    component,
    inline: false,
  };
}

/** Loads the spark component YAML a step names (relative to the YAML naming it); problems point into it. */
function loadSparkComponentFile(reference: Node, written: string): SparkComponentSpec | undefined {
  const root = loadComponentRoot(reference, written);
  if (!root) return undefined;
  const type = root.child('type');
  if (type.present && type.value !== 'spark') {
    type.error(`'type' must be spark: a spark step runs a spark component; got ${describe(type.value)}`);
    return undefined;
  }
  const hints = {
    type: 'spark',
    code: 'the folder with the entry file, e.g. ./src',
    entry: 'file: <entry.py> (or class_name)',
  };
  const keys = [...COMPONENT_KEYS, ...SPARK_PROGRAM_KEYS.filter((key) => key !== 'environment_variables')];
  const required = ['type', 'code', 'entry'];
  if (!fields(root, { what: 'a spark component', keys, required, hints })) return undefined;
  const { origin: _origin, ...metadata } = componentMetadata(root, 'file');
  return readSparkProgram(root, 'the spark component', {
    origin: 'file',
    ...metadata,
    inputs: readComponentInputs(root.child('inputs')),
    outputs: readComponentOutputs(root.child('outputs')),
  });
}
