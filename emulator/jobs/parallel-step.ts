/**
 * A parallel step (`type: parallel`, as azure-ai-ml sends it: `task` {type run_function, code, entry_script,
 * environment, program_arguments, append_row_to}, `input_data`, `mini_batch_size`, `error_threshold`,
 * `mini_batch_error_threshold`, `retry_settings` {max_retries, timeout}, `logging_level`, `resources`,
 * `environment_variables`, from the node or else its component) runs as a Command job whose command is the
 * emulator's parallel driver (`parallel_driver.py`, on PATH as `azureml-parallel-run`): init(), run(mini_batch)
 * per mini-batch of the input's files, the thresholds and append_row as Azure ML's parallel job applies them.
 */
import { isObject, type Json } from '../arm/resource';
import { JobFailure } from './job-handle';
import { field, numberField, objectField, stringField } from './rest';

/** The driver's name on the job's PATH (the runner writes it into its bin folder). */
export const PARALLEL_DRIVER = 'azureml-parallel-run';

const INPUT_REF = /^\$\{\{\s*inputs\.([A-Za-z0-9_.-]+)\s*\}\}$/;
const OUTPUT_REF = /^\$\{\{\s*outputs\.([A-Za-z0-9_.-]+)\s*\}\}$/;

/** A setting of the step: the node's, else the component's. */
function setting(node: Json, component: Json, ...keys: string[]): unknown {
  return field(node, ...keys) ?? field(component, ...keys);
}

function quote(text: string): string {
  return /^[A-Za-z0-9_./:=${}-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command, code and environment of a parallel step's Command job. */
export function parallelCommand(
  step: string,
  node: Json,
  component: Json,
): { command: string; codeId?: string; environmentId?: string; environmentVariables?: unknown } {
  const task = { ...objectField(component, 'task'), ...objectField(node, 'task') };
  const taskType = (stringField(task, 'type') ?? 'run_function').toLowerCase();
  if (taskType !== 'run_function') {
    throw new JobFailure(`Step '${step}': parallel task type '${taskType}' is not run_function.`);
  }
  const entry = stringField(task, 'entry_script', 'entryScript');
  if (!entry) throw new JobFailure(`Step '${step}': the parallel task has no 'entry_script'.`);
  const inputData = String(setting(node, component, 'input_data', 'inputData') ?? '');
  const input = INPUT_REF.exec(inputData)?.[1];
  if (!input) {
    throw new JobFailure(
      `Step '${step}': 'input_data' is '${inputData}'; it must name one of the step's inputs as \${{inputs.<name>}}.`,
    );
  }
  const retry = objectField({ r: setting(node, component, 'retry_settings', 'retrySettings') ?? {} }, 'r');
  const words = [
    PARALLEL_DRIVER,
    '--entry',
    quote(entry),
    '--input',
    `\${{inputs.${input}}}`,
    '--mini-batch-size',
    quote(String(setting(node, component, 'mini_batch_size', 'miniBatchSize') ?? '1')),
    '--error-threshold',
    String(numberField({ v: setting(node, component, 'error_threshold', 'errorThreshold') }, 'v') ?? -1),
    '--mini-batch-error-threshold',
    String(
      numberField(
        { v: setting(node, component, 'mini_batch_error_threshold', 'miniBatchErrorThreshold') },
        'v',
      ) ?? -1,
    ),
    '--max-retries',
    String(numberField(retry, 'max_retries', 'maxRetries') ?? 3),
  ];
  const appendTo = stringField(task, 'append_row_to', 'appendRowTo');
  if (appendTo) {
    const output = OUTPUT_REF.exec(appendTo)?.[1];
    if (!output) {
      throw new JobFailure(
        `Step '${step}': 'append_row_to' is '${appendTo}'; it must name one of the step's outputs as \${{outputs.<name>}}.`,
      );
    }
    words.push('--append-row-to', `\${{outputs.${output}}}`);
  }
  const args = stringField(task, 'program_arguments', 'programArguments');
  const environment = stringField(task, 'environment', 'environmentId');
  const code = stringField(task, 'code', 'codeId');
  const variables = field(task, 'environment_variables') ?? field(node, 'environment_variables');
  return {
    command: `${words.join(' ')}${args ? ` -- ${args}` : ''}`,
    ...(code ? { codeId: code.replace(/^azureml:(?=\/)/i, '') } : {}),
    ...(environment ? { environmentId: environment.replace(/^azureml:(?=\/)/i, '') } : {}),
    ...(isObject(variables) ? { environmentVariables: variables } : {}),
  };
}
