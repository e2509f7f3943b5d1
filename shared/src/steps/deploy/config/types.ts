import type { WorkspaceRef } from '../../../azureml/workspace-session';
import type { ThresholdsFile } from '../../../drift/thresholds-file';
import type { InputName } from '../../../step/input-types';
import type { deployManifest } from '../manifest';
import type { DeployModel } from '../model-reference';
import type { ClusterRef, ModelRef } from '../names';
import type { DeploymentFile } from '../spec/deployment-file';
import type { AuthMode, EndpointIdentity } from '../spec/endpoint-file';
import type { Traffic } from '../traffic';

/** A deploy input's name. */
export type DeployInput = InputName<typeof deployManifest>;

export type Target = 'managed' | 'kubernetes' | 'aci';

/** The online endpoint as it should be (the YAML, with the inputs over it). */
export interface EndpointSettings {
  readonly authMode: AuthMode;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly publicNetworkAccess?: 'Enabled' | 'Disabled';
  readonly identity?: EndpointIdentity;
}

/** The online deployment as it should be (the YAML, with the inputs over it). */
export type DeploymentSettings = Omit<
  DeploymentFile,
  'file' | 'name' | 'endpointName' | 'type' | 'typeLocation' | 'model' | 'warnings'
> & {
  readonly name: string;
  readonly model: DeployModel;
  readonly instanceCount: number;
};

/** The Kubernetes side of a `kubernetes` deploy: the workspace compute and the AKS cluster behind it. */
export interface KubernetesSettings {
  readonly compute: string;
  /** Checked before deploying; when not given, the cluster the compute is attached to. */
  readonly cluster?: ClusterRef;
  readonly attach: boolean;
}

/** `monitor: true`: the model monitor schedule the step creates or updates once the deployment succeeded. */
export interface MonitorEnsure {
  readonly mode: 'ensure';
  /** The training data asset the collected inputs are compared with. */
  readonly referenceData: { readonly name: string; readonly version: string };
  /** The drift-check thresholds file; without one, every feature on drift-check's default metrics. */
  readonly thresholds?: ThresholdsFile;
  readonly emails: readonly string[];
  readonly frequency: 'hourly' | 'daily' | 'weekly';
  readonly taskType: 'Classification' | 'Regression';
}

/** `monitor: false` or `remove`: the schedule the step created for the deployment is deleted. */
export interface MonitorRemove {
  readonly mode: 'remove';
}

export type MonitorSettings = MonitorEnsure | MonitorRemove;

/** What every action has: where, which endpoint, how long. */
export interface CommonConfig {
  readonly workspace: WorkspaceRef;
  readonly target: Target;
  readonly endpointName: string;
  readonly timeoutMinutes: number;
  /** Validate, resolve (reads only), print the requests that would be sent; create nothing. */
  readonly dryRun: boolean;
  /** Input names as the user wrote them on their host, for messages. */
  readonly shown: (input: DeployInput) => string;
}

export interface OnlineDeployConfig extends CommonConfig {
  readonly action: 'deploy';
  readonly target: 'managed' | 'kubernetes';
  readonly endpoint: EndpointSettings;
  readonly deployment: DeploymentSettings;
  readonly trafficPercent?: number;
  readonly mirrorPercent?: number;
  readonly kubernetes?: KubernetesSettings;
  readonly rollbackOnFailure: boolean;
  /** Refuse a model version without a passing release verdict, before anything is created (verdict.ts). */
  readonly requireVerdict: boolean;
  /** Minutes to wait, after the timeout, for a deployment operation still running (it cannot be cancelled). */
  readonly timeoutGraceMinutes: number;
  /** From the YAML files: keys read and not used, with their file:line:column. */
  readonly warnings: readonly string[];
  /** Info lines: values of the YAML files the inputs override. */
  readonly notes: readonly string[];
  /** Absent when the `monitor` input is not given: an existing monitor is left alone. */
  readonly monitor?: MonitorSettings;
}

export interface AciDeployConfig extends CommonConfig {
  readonly action: 'deploy';
  readonly target: 'aci';
  readonly model: ModelRef;
  /** The local scoring code folder and the script in it. */
  readonly codePath: string;
  readonly scoringScript: string;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly cpu: number;
  readonly memoryGb: number;
  readonly dnsLabel?: string;
  readonly rollbackOnFailure: boolean;
  /** Refuse a model version without a passing release verdict, before anything is created (verdict.ts). */
  readonly requireVerdict: boolean;
  readonly warnings: readonly string[];
}

/** Action endpoint: the online endpoint alone, created or updated, with the traffic the YAML (or input) gives. */
export interface EndpointActionConfig extends CommonConfig {
  readonly action: 'endpoint';
  readonly target: 'managed' | 'kubernetes';
  readonly endpoint: EndpointSettings;
  readonly kubernetes?: KubernetesSettings;
  /** The split to set (absent: the endpoint's traffic is kept); `source` names where it came from. */
  readonly traffic?: { readonly shares: Traffic; readonly source: string };
  readonly mirrorTraffic?: { readonly shares: Traffic; readonly source: string };
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}

export interface SetTrafficConfig extends CommonConfig {
  readonly action: 'set-traffic';
  readonly target: 'managed' | 'kubernetes';
  readonly traffic: Traffic;
}

export interface DeleteDeploymentConfig extends CommonConfig {
  readonly action: 'delete-deployment';
  /** Absent for `aci`: the container group is the endpoint. */
  readonly deploymentName?: string;
}

/** Action promote: all live traffic to `deploymentName`, then the deployments that served before removed (or kept at 0 %). */
export interface PromoteConfig extends CommonConfig {
  readonly action: 'promote';
  readonly target: 'managed' | 'kubernetes';
  readonly deploymentName: string;
  readonly keepPrevious: boolean;
}

/** Action reject: the split from before `deploymentName` restored, then that deployment removed. */
export interface RejectConfig extends CommonConfig {
  readonly action: 'reject';
  readonly target: 'managed' | 'kubernetes';
  readonly deploymentName: string;
  /** The split to restore (the `restoreTraffic` input); absent: the deployment's share goes back proportionally. */
  readonly restoreTraffic?: Traffic;
}

export type DeployConfig =
  | OnlineDeployConfig
  | AciDeployConfig
  | EndpointActionConfig
  | SetTrafficConfig
  | DeleteDeploymentConfig
  | PromoteConfig
  | RejectConfig;
