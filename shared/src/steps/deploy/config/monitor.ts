/**
 * The `monitor*` inputs of action deploy to an online endpoint: whether to create, update or remove the
 * deployment's model monitor, and what it compares. Every input problem is reported with the others (no network);
 * the thresholds file is read once the inputs are sound (its problems are in a file: file:line:column).
 */
import { loadThresholdsFile } from '../../../drift/thresholds-file';
import { existingFile } from '../../../step/input-paths';
import type { DataCollectorSpec } from '../spec/data-collector';
import type { DeployParse } from './parse';
import type { MonitorEnsure, MonitorSettings } from './types';

/** Azure's limit on the monitor's e-mail list (MonitorEmailNotificationSettings.emails, in total). */
const EMAILS_MAX_CHARS = 499;
const EMAIL = /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/;
const DATA_ASSET = /^azureml:([A-Za-z0-9_][A-Za-z0-9_.-]*):([A-Za-z0-9_.-]+)$/;
/** The collection whose data a monitor's production side reads (azure-ai-ml's `model_inputs`). */
export const INPUTS_COLLECTION = 'model_inputs';

/** What the inputs say before the thresholds file is read. */
export type MonitorInputs =
  { readonly mode: 'remove' } | (Omit<MonitorEnsure, 'thresholds'> & { readonly thresholdsPath?: string });

const ENSURE_ONLY = ['monitorReferenceData', 'monitorThresholdsFile', 'monitorEmails'] as const;

export function parseMonitorInputs(
  parse: DeployParse,
  dataCollector: DataCollectorSpec | undefined,
  deploymentFile: string | undefined,
): MonitorInputs | undefined {
  const { inputs, shown, fail, context, errors } = parse;
  const monitor = inputs.choice('monitor');
  if (monitor !== 'true') {
    for (const name of ENSURE_ONLY)
      if (inputs.string(name) !== undefined)
        fail(
          name,
          `Input ${shown(name)} is for ${shown('monitor')} true (it sets what the monitor compares or whom it alerts)${monitor === undefined ? '' : `; ${shown('monitor')} is ${monitor}`}.`,
        );
    return monitor === undefined ? undefined : { mode: 'remove' };
  }
  const collection = dataCollector?.collections[INPUTS_COLLECTION];
  if (!collection?.enabled)
    fail(
      'monitor',
      `Input ${shown('monitor')} is true, but the deployment collects no model inputs for the monitor to compare: enable 'data_collector.collections.${INPUTS_COLLECTION}.enabled: true' in ${deploymentFile ? `the deployment YAML (${deploymentFile})` : `a deployment YAML (${shown('deploymentFile')})`}.`,
    );
  const referenceText = inputs.string('monitorReferenceData');
  const reference = referenceText === undefined ? undefined : DATA_ASSET.exec(referenceText.trim());
  if (referenceText === undefined)
    fail(
      'monitorReferenceData',
      `Input ${shown('monitorReferenceData')} is required with ${shown('monitor')} true: the model's training data as a data asset, azureml:<name>:<version>.`,
    );
  else if (!reference)
    fail(
      'monitorReferenceData',
      `Input ${shown('monitorReferenceData')} must be a data asset azureml:<name>:<version> (the model's training data); got '${referenceText}'.`,
    );
  const emails = (inputs.string('monitorEmails') ?? '')
    .split(/[,;\s]+/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const wrong = emails.filter((e) => !EMAIL.test(e));
  if (wrong.length > 0)
    fail(
      'monitorEmails',
      `Input ${shown('monitorEmails')} must be e-mail addresses separated by commas; not one: ${wrong.map((e) => `'${e}'`).join(', ')}.`,
    );
  else if (emails.join(',').length > EMAILS_MAX_CHARS)
    fail(
      'monitorEmails',
      `Input ${shown('monitorEmails')} is ${emails.join(',').length} characters long joined by commas; Azure ML takes ${EMAILS_MAX_CHARS} at most.`,
    );
  const thresholdsPath = existingFile(inputs, 'monitorThresholdsFile', context, errors);
  return {
    mode: 'ensure',
    referenceData: { name: reference?.[1] ?? '', version: reference?.[2] ?? '' },
    emails,
    frequency: inputs.choice('monitorFrequency'),
    taskType: inputs.choice('monitorTaskType') === 'regression' ? 'Regression' : 'Classification',
    ...(thresholdsPath !== undefined ? { thresholdsPath } : {}),
  };
}

/** The settings, the thresholds file read (a located DataError when it is wrong): call once the inputs are sound. */
export function finishMonitor(pending: MonitorInputs): MonitorSettings {
  if (pending.mode === 'remove') return pending;
  const { thresholdsPath, ...settings } = pending;
  return thresholdsPath === undefined
    ? settings
    : { ...settings, thresholds: loadThresholdsFile(thresholdsPath) };
}
