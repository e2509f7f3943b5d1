/**
 * The api-versions each resource provider answers (ARM refuses others before the provider sees the request), and
 * what the Machine Learning REST models gained after 2022-10-01 (the version the derived models are of).
 * Data only; `index.ts` applies it. See docs/decisions/0015-strict-emulator.md.
 */
import type { PropertySchema } from './schema';

export interface ProviderVersions {
  versions: readonly string[];
  source: string;
}

/**
 * By namespace (lower case); every resource type of a namespace shares its list here. A subset of what Azure
 * registers (stable folders of the specification): the versions the SDKs, the project and the tests send, and
 * 2025-12-01 (the first stable Machine Learning version whose OutputDeliveryMode lists Direct).
 */
export const API_VERSIONS: Readonly<Record<string, ProviderVersions>> = {
  'microsoft.machinelearningservices': {
    versions: ['2022-10-01', '2023-04-01', '2024-04-01', '2025-12-01'],
    source:
      'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/<version>; ' +
      '@azure/arm-machinelearning 2.1.1 sends 2022-10-01, the deploy step 2024-04-01 (mirrorTraffic, since 2023-04-01)',
  },
  'microsoft.containerservice': {
    versions: ['2026-04-01'],
    source:
      'specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable; @azure/arm-containerservice 25.3.0 sends 2026-04-01',
  },
  'microsoft.kubernetesconfiguration': {
    versions: ['2023-05-01'],
    source:
      'specification/kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable; @azure/arm-kubernetesconfiguration 6.1.0 sends 2023-05-01',
  },
  'microsoft.containerinstance': {
    versions: ['2023-05-01'],
    source:
      'specification/containerinstance/resource-manager/Microsoft.ContainerInstance/stable; @azure/arm-containerinstance 9.1.0 sends 2023-05-01',
  },
};

/** A model the version adds: its own properties, and (`extends`) the base whose properties it also lists. */
export interface AddedModel {
  name: string;
  /** A polymorphic base's model: its properties are copied first (as the derived subtypes list theirs). */
  extends?: string;
  properties: Record<string, PropertySchema>;
  discriminator?: { property: string; values: Record<string, string> };
}

/** A change of the Machine Learning models at `apiVersion` (and every later one). */
export interface ModelDelta {
  apiVersion: string;
  source: string;
  /** A property added (or replaced) on a model. */
  properties?: { model: string; property: string; schema: PropertySchema }[];
  /** Whole models the version adds (applied after `properties`, so `extends` sees what they added). */
  models?: AddedModel[];
  /** A discriminator value a polymorphic base gained, and the model it selects. */
  subtypes?: { base: string; value: string; model: string }[];
  /** Properties that became required. */
  required?: { model: string; property: string }[];
  /** Values an enum gained, wherever a property is typed with it. */
  enums?: { enumName: string; add: string[] }[];
}

const MFE = 'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable';

/** The job subtypes of 2022-10-01, which list the base's (JobBaseProperties') properties too. */
const JOB_MODELS = ['JobBaseProperties', 'AutoMLJob', 'CommandJob', 'PipelineJob', 'SweepJob'];
/** The AutoML task subtypes (AutoMLVertical and what lists its properties). */
const AUTOML_TASKS = [
  'AutoMLVertical',
  'Classification',
  'Forecasting',
  'ImageClassification',
  'ImageClassificationMultilabel',
  'ImageInstanceSegmentation',
  'ImageObjectDetection',
  'Regression',
  'TextClassification',
  'TextClassificationMultilabel',
  'TextNer',
];
const IMAGE_TASKS = AUTOML_TASKS.filter((t) => t.startsWith('Image'));
const NAME_LIKE = { type: 'string', pattern: '[a-zA-Z0-9_]', minLength: 1 } as const;
const STRINGS = { type: 'array', items: { type: 'string' }, nullable: true } as const;
const QUEUE_SETTINGS: PropertySchema = { type: 'object', model: 'QueueSettings', nullable: true };
const NOTIFICATION: PropertySchema = { type: 'object', model: 'NotificationSetting', nullable: true };

/**
 * What the job definitions of 2025-12-01 have beyond the derived 2022-10-01 models (the definitions read:
 * JobBase, JobType, CommandJob, SweepJob, PipelineJob, AutoMLJob, AutoMLVertical, ImageVertical, TableVertical,
 * TableVerticalLimitSettings, NlpVertical*, JobResourceConfiguration/ResourceConfiguration, TrialComponent,
 * JobInput/JobOutput and their subtypes, JobService, QueueSettings, JobTier, NotificationSetting, Webhook, Nodes,
 * SparkJob, SparkJobEntry and its subtypes, SparkResourceConfiguration). Unchanged: PipelineJob, TrialComponent,
 * JobResourceConfiguration (instanceCount, instanceType, properties, dockerArgs, shmSize), the limits, the inputs
 * and outputs (JobInputType/JobOutputType list the same types), the table/NLP/image task settings. Nothing of a
 * job was removed. Given at 2025-12-01 only: the stable versions between were not read, so a request at
 * 2023-04-01 or 2024-04-01 does not get them (the steps send jobs at 2025-12-01).
 */
const JOBS_2025_12_01: ModelDelta = {
  apiVersion: '2025-12-01',
  source:
    `${MFE}/2025-12-01/mfe.json definitions JobBase (notificationSetting), JobType (Spark), CommandJob, SweepJob, ` +
    'AutoMLJob (queueSettings), AutoMLJob.required taskDetails, AutoMLVertical.required trainingData, ' +
    'ImageVertical.required limitSettings, JobService.nodes, QueueSettings, JobTier, NotificationSetting, ' +
    'EmailNotificationEnableType, Webhook, WebhookType, Nodes, NodesValueType, SparkJob, SparkJobEntry, ' +
    'SparkJobEntryType, SparkJobPythonEntry, SparkJobScalaEntry, SparkResourceConfiguration',
  properties: [
    ...JOB_MODELS.map((model) => ({ model, property: 'notificationSetting', schema: NOTIFICATION })),
    ...['CommandJob', 'SweepJob', 'AutoMLJob'].map((model) => ({
      model,
      property: 'queueSettings',
      schema: QUEUE_SETTINGS,
    })),
    { model: 'JobService', property: 'nodes', schema: { type: 'object', model: 'Nodes', nullable: true } },
  ],
  models: [
    {
      name: 'QueueSettings',
      properties: {
        jobTier: {
          type: 'string',
          enum: ['Null', 'Spot', 'Basic', 'Standard', 'Premium'],
          enumName: 'JobTier',
          extensible: true,
        },
      },
    },
    {
      name: 'NotificationSetting',
      properties: {
        emailOn: {
          type: 'array',
          items: {
            type: 'string',
            enum: ['JobCompleted', 'JobFailed', 'JobCancelled'],
            enumName: 'EmailNotificationEnableType',
            extensible: true,
          },
          nullable: true,
        },
        emails: STRINGS,
        webhooks: { type: 'dictionary', values: { type: 'object', model: 'Webhook' }, nullable: true },
      },
    },
    {
      name: 'Webhook',
      properties: {
        eventType: { type: 'string', nullable: true },
        webhookType: {
          type: 'string',
          enum: ['AzureDevOps'],
          enumName: 'WebhookType',
          extensible: true,
          required: true,
        },
      },
      discriminator: { property: 'webhookType', values: { AzureDevOps: 'AzureDevOpsWebhook' } },
    },
    { name: 'AzureDevOpsWebhook', extends: 'Webhook', properties: {} },
    {
      name: 'Nodes',
      properties: {
        nodesValueType: {
          type: 'string',
          enum: ['All'],
          enumName: 'NodesValueType',
          extensible: true,
          required: true,
        },
      },
      discriminator: { property: 'nodesValueType', values: { All: 'AllNodes' } },
    },
    { name: 'AllNodes', extends: 'Nodes', properties: {} },
    {
      name: 'SparkJob',
      extends: 'JobBaseProperties',
      properties: {
        archives: STRINGS,
        args: { type: 'string', nullable: true },
        codeId: { ...NAME_LIKE, required: true },
        conf: { type: 'dictionary', values: { type: 'string' }, nullable: true },
        entry: { type: 'object', model: 'SparkJobEntry', required: true },
        environmentId: { type: 'string', nullable: true },
        environmentVariables: { type: 'dictionary', values: { type: 'string' }, nullable: true },
        files: STRINGS,
        inputs: { type: 'dictionary', values: { type: 'object', model: 'JobInput' }, nullable: true },
        jars: STRINGS,
        outputs: { type: 'dictionary', values: { type: 'object', model: 'JobOutput' }, nullable: true },
        pyFiles: STRINGS,
        queueSettings: QUEUE_SETTINGS,
        resources: { type: 'object', model: 'SparkResourceConfiguration', nullable: true },
      },
    },
    {
      name: 'SparkJobEntry',
      properties: {
        sparkJobEntryType: {
          type: 'string',
          enum: ['SparkJobPythonEntry', 'SparkJobScalaEntry'],
          enumName: 'SparkJobEntryType',
          extensible: true,
          required: true,
        },
      },
      discriminator: {
        property: 'sparkJobEntryType',
        values: { SparkJobPythonEntry: 'SparkJobPythonEntry', SparkJobScalaEntry: 'SparkJobScalaEntry' },
      },
    },
    {
      name: 'SparkJobPythonEntry',
      extends: 'SparkJobEntry',
      properties: { file: { ...NAME_LIKE, required: true } },
    },
    {
      name: 'SparkJobScalaEntry',
      extends: 'SparkJobEntry',
      properties: { className: { ...NAME_LIKE, required: true } },
    },
    {
      name: 'SparkResourceConfiguration',
      properties: { instanceType: { type: 'string', nullable: true }, runtimeVersion: { type: 'string' } },
    },
  ],
  subtypes: [{ base: 'JobBaseProperties', value: 'Spark', model: 'SparkJob' }],
  required: [
    { model: 'AutoMLJob', property: 'taskDetails' },
    ...AUTOML_TASKS.map((model) => ({ model, property: 'trainingData' })),
    ...IMAGE_TASKS.map((model) => ({ model, property: 'limitSettings' })),
  ],
  enums: [{ enumName: 'JobType', add: ['Spark'] }],
};

/** OnlineDeploymentProperties and the subtypes that list its properties. */
const DEPLOYMENT_MODELS = [
  'OnlineDeploymentProperties',
  'ManagedOnlineDeployment',
  'KubernetesOnlineDeployment',
];

/**
 * What the online deployment definitions of 2025-12-01 have beyond 2022-10-01: `dataCollector` and `startupProbe`
 * (OnlineDeployment, client name OnlineDeploymentProperties), with DataCollector, Collection, DataCollectionMode,
 * RequestLogging and RollingRateType. 2024-04-01's OnlineDeployment lists the same properties as 2022-10-01's
 * (read: no dataCollector), so a deployment body at 2023-04-01 or 2024-04-01 does not get them either.
 */
const DEPLOYMENTS_2025_12_01: ModelDelta = {
  apiVersion: '2025-12-01',
  source:
    `${MFE}/2025-12-01/mfe.json definitions OnlineDeployment (dataCollector, startupProbe), DataCollector, ` +
    `Collection, DataCollectionMode, RequestLogging, RollingRateType; ${MFE}/2024-04-01/mfe.json OnlineDeployment ` +
    '(no dataCollector)',
  properties: DEPLOYMENT_MODELS.flatMap((model) => [
    {
      model,
      property: 'dataCollector',
      schema: { type: 'object', model: 'DataCollector', nullable: true } as PropertySchema,
    },
    {
      model,
      property: 'startupProbe',
      schema: { type: 'object', model: 'ProbeSettings', nullable: true } as PropertySchema,
    },
  ]),
  models: [
    {
      name: 'DataCollector',
      properties: {
        collections: {
          type: 'dictionary',
          values: { type: 'object', model: 'Collection' },
          required: true,
        },
        requestLogging: { type: 'object', model: 'RequestLogging', nullable: true },
        rollingRate: {
          type: 'string',
          enum: ['Year', 'Month', 'Day', 'Hour', 'Minute'],
          enumName: 'RollingRateType',
          extensible: true,
        },
      },
    },
    {
      name: 'Collection',
      properties: {
        clientId: { type: 'string', nullable: true },
        dataCollectionMode: {
          type: 'string',
          enum: ['Enabled', 'Disabled'],
          enumName: 'DataCollectionMode',
          extensible: true,
        },
        dataId: { type: 'string', nullable: true },
        samplingRate: { type: 'number' },
      },
    },
    { name: 'RequestLogging', properties: { captureHeaders: STRINGS } },
  ],
};

const MONITOR_MUTABLE = { nullable: true } as const;
const DATA_TYPE: PropertySchema = {
  type: 'string',
  enum: ['Numerical', 'Categorical'],
  enumName: 'MonitoringFeatureDataType',
  extensible: true,
  required: true,
};
const INPUT_DATA: PropertySchema = { type: 'object', model: 'MonitoringInputDataBase', required: true };
const THRESHOLD: PropertySchema = { type: 'object', model: 'MonitoringThreshold', ...MONITOR_MUTABLE };
const FEATURE_TYPES: PropertySchema = {
  type: 'dictionary',
  values: {
    type: 'string',
    enum: ['Numerical', 'Categorical'],
    enumName: 'MonitoringFeatureDataType',
    extensible: true,
  },
  nullable: true,
};

/**
 * The model monitors of 2025-12-01 (schedules whose action is CreateMonitor): ScheduleActionType gains
 * CreateMonitor, and the monitor's definitions, read in the specification. The schedule's own models are derived
 * from the SDK (2022-10-01), which does not mark `properties`, `action` and `trigger` required: 2025-12-01's
 * ScheduleResource and Schedule do. Checked in full: the DataDrift signal (the one the deploy step sends) and what it
 * references. The other signal types (DataQuality, FeatureAttributionDrift, Custom, PredictionDrift) are known
 * values whose own fields are not checked here; TopNByAttribution's fields were not read (not checked either).
 */
const MONITORS_2025_12_01: ModelDelta = {
  apiVersion: '2025-12-01',
  source:
    `${MFE}/2025-12-01/mfe.json definitions ScheduleResource.required properties, Schedule.required action and ` +
    'trigger, ScheduleActionType (CreateMonitor), CreateMonitorAction, MonitorDefinition, MonitoringTarget, ' +
    'ModelTaskType, MonitorComputeConfigurationBase, MonitorComputeType, MonitorServerlessSparkCompute, ' +
    'MonitorComputeIdentityBase, MonitorComputeIdentityType, ManagedComputeIdentity, MonitorNotificationSettings, ' +
    'MonitorEmailNotificationSettings, MonitoringSignalBase, MonitoringSignalType, MonitoringNotificationType, ' +
    'DataDriftMonitoringSignal, DataDriftMetricThresholdBase, MonitoringFeatureDataType, ' +
    'NumericalDataDriftMetricThreshold, NumericalDataDriftMetric, CategoricalDataDriftMetricThreshold, ' +
    'CategoricalDataDriftMetric, MonitoringThreshold, MonitoringInputDataBase, MonitoringInputDataType, ' +
    'FixedInputData, RollingInputData, StaticInputData, MonitoringFeatureFilterBase, MonitoringFeatureFilterType, ' +
    'FeatureSubset, FeatureImportanceSettings, FeatureImportanceMode',
  models: [
    {
      name: 'CreateMonitorAction',
      extends: 'ScheduleActionBase',
      properties: { monitorDefinition: { type: 'object', model: 'MonitorDefinition', required: true } },
    },
    {
      name: 'MonitorDefinition',
      properties: {
        alertNotificationSettings: { type: 'object', model: 'MonitorNotificationSettings', nullable: true },
        computeConfiguration: { type: 'object', model: 'MonitorComputeConfigurationBase', required: true },
        monitoringTarget: { type: 'object', model: 'MonitoringTarget', nullable: true },
        signals: {
          type: 'dictionary',
          values: { type: 'object', model: 'MonitoringSignalBase' },
          required: true,
        },
      },
    },
    {
      name: 'MonitoringTarget',
      properties: {
        deploymentId: { type: 'string', nullable: true },
        modelId: { type: 'string', nullable: true },
        taskType: {
          type: 'string',
          enum: ['Classification', 'Regression'],
          enumName: 'ModelTaskType',
          extensible: true,
          required: true,
        },
      },
    },
    {
      name: 'MonitorComputeConfigurationBase',
      properties: {
        computeType: {
          type: 'string',
          enum: ['ServerlessSpark'],
          enumName: 'MonitorComputeType',
          extensible: true,
          required: true,
        },
      },
      discriminator: {
        property: 'computeType',
        values: { ServerlessSpark: 'MonitorServerlessSparkCompute' },
      },
    },
    {
      name: 'MonitorServerlessSparkCompute',
      extends: 'MonitorComputeConfigurationBase',
      properties: {
        computeIdentity: { type: 'object', model: 'MonitorComputeIdentityBase', required: true },
        instanceType: { ...NAME_LIKE, required: true },
        runtimeVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$', minLength: 1, required: true },
      },
    },
    {
      name: 'MonitorComputeIdentityBase',
      properties: {
        computeIdentityType: {
          type: 'string',
          enum: ['AmlToken', 'ManagedIdentity'],
          enumName: 'MonitorComputeIdentityType',
          extensible: true,
          required: true,
        },
      },
      discriminator: {
        property: 'computeIdentityType',
        values: { AmlToken: 'AmlTokenComputeIdentity', ManagedIdentity: 'ManagedComputeIdentity' },
      },
    },
    { name: 'AmlTokenComputeIdentity', extends: 'MonitorComputeIdentityBase', properties: {} },
    {
      name: 'ManagedComputeIdentity',
      extends: 'MonitorComputeIdentityBase',
      properties: { identity: { type: 'any', nullable: true } },
    },
    {
      name: 'MonitorNotificationSettings',
      properties: {
        emailNotificationSettings: {
          type: 'object',
          model: 'MonitorEmailNotificationSettings',
          nullable: true,
        },
      },
    },
    { name: 'MonitorEmailNotificationSettings', properties: { emails: STRINGS } },
    {
      name: 'MonitoringSignalBase',
      properties: {
        notificationTypes: {
          type: 'array',
          items: {
            type: 'string',
            enum: ['AmlNotification'],
            enumName: 'MonitoringNotificationType',
            extensible: true,
          },
          nullable: true,
        },
        properties: { type: 'dictionary', values: { type: 'string' }, nullable: true },
        signalType: {
          type: 'string',
          enum: ['DataDrift', 'PredictionDrift', 'DataQuality', 'FeatureAttributionDrift', 'Custom'],
          enumName: 'MonitoringSignalType',
          extensible: true,
          required: true,
        },
      },
      discriminator: {
        property: 'signalType',
        values: {
          DataDrift: 'DataDriftMonitoringSignal',
          PredictionDrift: 'MonitoringSignalUnchecked',
          DataQuality: 'MonitoringSignalUnchecked',
          FeatureAttributionDrift: 'MonitoringSignalUnchecked',
          Custom: 'MonitoringSignalUnchecked',
        },
      },
    },
    { name: 'MonitoringSignalUnchecked', extends: 'MonitoringSignalBase', properties: {} },
    {
      name: 'DataDriftMonitoringSignal',
      extends: 'MonitoringSignalBase',
      properties: {
        featureDataTypeOverride: FEATURE_TYPES,
        featureImportanceSettings: { type: 'object', model: 'FeatureImportanceSettings', nullable: true },
        features: { type: 'object', model: 'MonitoringFeatureFilterBase', nullable: true },
        metricThresholds: {
          type: 'array',
          items: { type: 'object', model: 'DataDriftMetricThresholdBase' },
          required: true,
        },
        productionData: INPUT_DATA,
        referenceData: INPUT_DATA,
      },
    },
    {
      name: 'DataDriftMetricThresholdBase',
      properties: { dataType: DATA_TYPE, threshold: THRESHOLD },
      discriminator: {
        property: 'dataType',
        values: {
          Numerical: 'NumericalDataDriftMetricThreshold',
          Categorical: 'CategoricalDataDriftMetricThreshold',
        },
      },
    },
    {
      name: 'NumericalDataDriftMetricThreshold',
      extends: 'DataDriftMetricThresholdBase',
      properties: {
        metric: {
          type: 'string',
          enum: [
            'JensenShannonDistance',
            'PopulationStabilityIndex',
            'NormalizedWassersteinDistance',
            'TwoSampleKolmogorovSmirnovTest',
          ],
          enumName: 'NumericalDataDriftMetric',
          extensible: true,
          required: true,
        },
      },
    },
    {
      name: 'CategoricalDataDriftMetricThreshold',
      extends: 'DataDriftMetricThresholdBase',
      properties: {
        metric: {
          type: 'string',
          enum: ['JensenShannonDistance', 'PopulationStabilityIndex', 'PearsonsChiSquaredTest'],
          enumName: 'CategoricalDataDriftMetric',
          extensible: true,
          required: true,
        },
      },
    },
    { name: 'MonitoringThreshold', properties: { value: { type: 'number', nullable: true } } },
    {
      name: 'MonitoringInputDataBase',
      properties: {
        columns: { type: 'dictionary', values: { type: 'string' }, nullable: true },
        dataContext: { type: 'string', nullable: true },
        inputDataType: {
          type: 'string',
          enum: ['Static', 'Rolling', 'Fixed'],
          enumName: 'MonitoringInputDataType',
          extensible: true,
          required: true,
        },
        jobInputType: {
          type: 'string',
          enum: [
            'literal',
            'uri_file',
            'uri_folder',
            'mltable',
            'custom_model',
            'mlflow_model',
            'triton_model',
          ],
          enumName: 'JobInputType',
          extensible: true,
          required: true,
        },
        uri: { ...NAME_LIKE, required: true },
      },
      discriminator: {
        property: 'inputDataType',
        values: { Static: 'StaticInputData', Rolling: 'RollingInputData', Fixed: 'FixedInputData' },
      },
    },
    { name: 'FixedInputData', extends: 'MonitoringInputDataBase', properties: {} },
    {
      name: 'RollingInputData',
      extends: 'MonitoringInputDataBase',
      properties: {
        preprocessingComponentId: { type: 'string', nullable: true },
        windowOffset: { type: 'duration', required: true },
        windowSize: { type: 'duration', required: true },
      },
    },
    {
      name: 'StaticInputData',
      extends: 'MonitoringInputDataBase',
      properties: {
        preprocessingComponentId: { type: 'string', nullable: true },
        windowEnd: { type: 'date-time', required: true },
        windowStart: { type: 'date-time', required: true },
      },
    },
    {
      name: 'MonitoringFeatureFilterBase',
      properties: {
        filterType: {
          type: 'string',
          enum: ['AllFeatures', 'TopNByAttribution', 'FeatureSubset'],
          enumName: 'MonitoringFeatureFilterType',
          extensible: true,
          required: true,
        },
      },
      discriminator: {
        property: 'filterType',
        values: {
          AllFeatures: 'AllFeatures',
          TopNByAttribution: 'TopNFeaturesByAttribution',
          FeatureSubset: 'FeatureSubset',
        },
      },
    },
    { name: 'AllFeatures', extends: 'MonitoringFeatureFilterBase', properties: {} },
    { name: 'TopNFeaturesByAttribution', extends: 'MonitoringFeatureFilterBase', properties: {} },
    {
      name: 'FeatureSubset',
      extends: 'MonitoringFeatureFilterBase',
      properties: { features: { type: 'array', items: { type: 'string' }, required: true } },
    },
    {
      name: 'FeatureImportanceSettings',
      properties: {
        mode: {
          type: 'string',
          enum: ['Disabled', 'Enabled'],
          enumName: 'FeatureImportanceMode',
          extensible: true,
        },
        targetColumn: { type: 'string', nullable: true },
      },
    },
  ],
  subtypes: [{ base: 'ScheduleActionBase', value: 'CreateMonitor', model: 'CreateMonitorAction' }],
  required: [
    { model: 'Schedule', property: 'properties' },
    { model: 'ScheduleProperties', property: 'action' },
    { model: 'ScheduleProperties', property: 'trigger' },
  ],
};

export const ML_DELTAS: readonly ModelDelta[] = [
  {
    apiVersion: '2023-04-01',
    source: `${MFE}/2023-04-01/mfe.json (and later): OnlineEndpoint (client name OnlineEndpointProperties).mirrorTraffic ("Percentage of traffic to be mirrored to each deployment without using returned scoring. Traffic values need to sum to utmost 50."); 2022-10-01 has no such property (@azure/arm-machinelearning 2.1.1 neither)`,
    properties: [
      {
        model: 'OnlineEndpointProperties',
        property: 'mirrorTraffic',
        schema: { type: 'dictionary', values: { type: 'number' }, nullable: true },
      },
    ],
  },
  {
    apiVersion: '2025-12-01',
    source: `${MFE}/2025-12-01/mfe.json: OutputDeliveryMode lists Direct (2022-10-01 and 2024-04-01: ReadWriteMount, Upload)`,
    enums: [{ enumName: 'OutputDeliveryMode', add: ['Direct'] }],
  },
  JOBS_2025_12_01,
  DEPLOYMENTS_2025_12_01,
  MONITORS_2025_12_01,
];
