/**
 * The model monitor of a deployment as an Azure ML schedule body (REST 2025-12-01: Schedule with a CreateMonitor
 * action, MonitorDefinition, DataDriftMonitoringSignal): the deployment's collected model inputs (a rolling window
 * as long as the interval between runs) against the model's training data, on serverless Spark, with our metrics
 * where Azure has them. Pure: what is sent, and what the summary says of it.
 */
import { metricInfo, type GateMetric } from '../../../drift/metrics';
import type { ThresholdsFile } from '../../../drift/thresholds-file';
import type { MonitorEnsure } from '../config';
import { SPEC_TAG, specHash } from '../desired';
import {
  DEFAULT_CATEGORICAL_METRIC,
  DEFAULT_NUMERIC_METRIC,
  DEFAULT_THRESHOLD,
  isMonitorable,
  metricThresholds,
  type MetricThreshold,
} from './metrics';

/** The tag that marks a schedule as this step's (its value: `<endpoint>/<deployment>`); only those are removed. */
export const MONITOR_TAG = 'azureml-steps.monitor';
/** Serverless Spark as azure-ai-ml's monitors default to it (an instance type Azure ML's Spark offers). */
export const MONITOR_INSTANCE_TYPE = 'standard_e4s_v3';
export const MONITOR_SPARK_RUNTIME = '3.4';

/** When the monitor runs (UTC) and which window of collected inputs it reads. */
const TRIGGERS = {
  hourly: {
    trigger: { frequency: 'Hour', interval: 1 },
    window: 'PT1H',
    when: 'every hour (the last hour of inputs)',
  },
  daily: {
    trigger: { frequency: 'Day', interval: 1, schedule: { hours: [3], minutes: [0] } },
    window: 'P1D',
    when: 'daily at 03:00 UTC (the last day of inputs)',
  },
  weekly: {
    trigger: { frequency: 'Week', interval: 1, schedule: { hours: [3], minutes: [0], weekDays: ['Monday'] } },
    window: 'P7D',
    when: 'weekly, Mondays at 03:00 UTC (the last 7 days of inputs)',
  },
} as const;

/** The ids the monitor points at. */
export interface MonitorTarget {
  readonly endpoint: string;
  readonly deployment: string;
  readonly deploymentId: string;
  readonly modelId: string;
  /** The model inputs collection's data asset, `azureml:<name>:<version>`. */
  readonly productionData: string;
  /** The reference data asset's type (uri_file, uri_folder, mltable): its job input type. */
  readonly referenceType: string;
}

/** One signal as the summary and the evidence say it. */
export interface MonitoredCheck {
  readonly signal: string;
  readonly features: readonly string[] | 'all';
  readonly metrics: readonly string[];
  readonly threshold: number;
}

export interface MonitorPlan {
  readonly name: string;
  readonly body: ScheduleBody;
  readonly when: string;
  /** The data assets compared: the deployment's collected inputs and the model's training data. */
  readonly production: string;
  readonly reference: string;
  /** Where the monitoring job runs (it is billed to the workspace). */
  readonly compute: string;
  /** Whom Azure ML e-mails on drift (none: alerts only in the studio). */
  readonly emails: readonly string[];
  /** True when a thresholds file names the features: the others are not monitored. */
  readonly listedFeaturesOnly: boolean;
  readonly checks: readonly MonitoredCheck[];
  /** Features of the thresholds file whose metric Azure has not, with that metric. */
  readonly notMonitorable: readonly { feature: string; metric: GateMetric }[];
}

export interface ScheduleBody {
  properties: {
    displayName: string;
    description: string;
    tags: Record<string, string>;
    isEnabled: boolean;
    trigger: Record<string, unknown>;
    action: { actionType: 'CreateMonitor'; monitorDefinition: Record<string, unknown> };
  };
}

/** The schedule's name for a deployment (Azure: `^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$`). */
export function monitorName(endpoint: string, deployment: string): string {
  return `${endpoint}-${deployment}-drift`;
}

export function monitorPlan(settings: MonitorEnsure, target: MonitorTarget): MonitorPlan {
  const { trigger, window, when } = TRIGGERS[settings.frequency];
  const { signals, checks, notMonitorable } = driftSignals(settings, target, window);
  const monitorDefinition = {
    computeConfiguration: {
      computeType: 'ServerlessSpark',
      computeIdentity: { computeIdentityType: 'AmlToken' },
      instanceType: MONITOR_INSTANCE_TYPE,
      runtimeVersion: MONITOR_SPARK_RUNTIME,
    },
    monitoringTarget: {
      deploymentId: target.deploymentId,
      modelId: target.modelId,
      taskType: settings.taskType,
    },
    signals,
    ...(settings.emails.length > 0
      ? { alertNotificationSettings: { emailNotificationSettings: { emails: [...settings.emails] } } }
      : {}),
  };
  const properties = {
    displayName: `Data drift of ${target.endpoint}/${target.deployment}`,
    description: `Created by the Azure ML deploy step: the inputs deployment '${target.deployment}' of online endpoint '${target.endpoint}' collects, compared with ${referenceUri(settings)}.`,
    isEnabled: true,
    trigger: { triggerType: 'Recurrence', timeZone: 'UTC', ...trigger },
    action: { actionType: 'CreateMonitor' as const, monitorDefinition },
  };
  const tags = { [MONITOR_TAG]: `${target.endpoint}/${target.deployment}`, [SPEC_TAG]: specHash(properties) };
  return {
    name: monitorName(target.endpoint, target.deployment),
    body: { properties: { ...properties, tags } },
    when,
    production: target.productionData,
    reference: referenceUri(settings),
    compute: `serverless Spark ${MONITOR_INSTANCE_TYPE} (runtime ${MONITOR_SPARK_RUNTIME})`,
    emails: settings.emails,
    listedFeaturesOnly: settings.thresholds !== undefined,
    checks,
    notMonitorable,
  };
}

function referenceUri({ referenceData }: MonitorEnsure): string {
  return `azureml:${referenceData.name}:${referenceData.version}`;
}

function driftSignals(settings: MonitorEnsure, target: MonitorTarget, window: string) {
  const common = {
    signalType: 'DataDrift',
    productionData: {
      inputDataType: 'Rolling',
      jobInputType: 'uri_folder',
      uri: target.productionData,
      dataContext: 'model_inputs',
      windowOffset: 'P0D',
      windowSize: window,
    },
    referenceData: {
      inputDataType: 'Fixed',
      jobInputType: target.referenceType,
      uri: referenceUri(settings),
      dataContext: 'training',
    },
    ...(settings.emails.length > 0 ? { notificationTypes: ['AmlNotification'] } : {}),
  };
  const groups = featureGroups(settings.thresholds);
  const signals: Record<string, unknown> = {};
  const checks: MonitoredCheck[] = [];
  groups.monitored.forEach((group, i) => {
    const signal = groups.monitored.length === 1 ? 'data-drift' : `data-drift-${i + 1}`;
    signals[signal] = {
      ...common,
      ...(group.features === 'all'
        ? { features: { filterType: 'AllFeatures' } }
        : { features: { filterType: 'FeatureSubset', features: [...group.features] } }),
      metricThresholds: group.thresholds,
    };
    checks.push({
      signal,
      features: group.features,
      metrics: group.thresholds.map((t) => `${t.dataType.toLowerCase()} ${t.metric}`),
      threshold: group.threshold,
    });
  });
  return { signals, checks, notMonitorable: groups.notMonitorable };
}

interface FeatureGroup {
  features: string[] | 'all';
  threshold: number;
  thresholds: MetricThreshold[];
}

/** Features with the same metric and threshold share one signal (Azure's thresholds are per signal). */
function featureGroups(file: ThresholdsFile | undefined): {
  monitored: FeatureGroup[];
  notMonitorable: { feature: string; metric: GateMetric }[];
} {
  if (!file)
    return {
      monitored: [
        { features: 'all', threshold: DEFAULT_THRESHOLD, thresholds: defaultThresholds(DEFAULT_THRESHOLD) },
      ],
      notMonitorable: [],
    };
  const byKey = new Map<string, FeatureGroup>();
  const notMonitorable: { feature: string; metric: GateMetric }[] = [];
  for (const entry of [...file.features.values()].sort((a, b) => a.feature.localeCompare(b.feature))) {
    if (entry.metric && !isMonitorable(entry.metric)) {
      notMonitorable.push({ feature: entry.feature, metric: entry.metric });
      continue;
    }
    const threshold =
      entry.threshold ??
      (entry.metric ? metricInfo(entry.metric).defaultThreshold : undefined) ??
      DEFAULT_THRESHOLD;
    const key = `${entry.metric ?? ''}@${threshold}`;
    const group = byKey.get(key);
    if (group && group.features !== 'all') group.features.push(entry.feature);
    else
      byKey.set(key, {
        features: [entry.feature],
        threshold,
        thresholds: entry.metric ? metricThresholds(entry.metric, threshold) : defaultThresholds(threshold),
      });
  }
  return { monitored: [...byKey.values()], notMonitorable };
}

/** A threshold alone is on drift-check's default gate of the feature's type. */
function defaultThresholds(value: number): MetricThreshold[] {
  return [
    ...metricThresholds(DEFAULT_NUMERIC_METRIC, value).filter((t) => t.dataType === 'Numerical'),
    ...metricThresholds(DEFAULT_CATEGORICAL_METRIC, value).filter((t) => t.dataType === 'Categorical'),
  ];
}
