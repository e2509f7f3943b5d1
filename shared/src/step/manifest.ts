/**
 * The one description of a step that task.json, action.yml, the README tables and input parsing all come from.
 * Names are camelCase here; the GitHub side uses the kebab-case form (see `kebabCase`).
 */
export type InputType =
  'string' | 'multiLine' | 'boolean' | 'integer' | 'number' | 'pickList' | 'filePath' | 'azureConnection';

/** Which hosts offer an input: authentication differs between Azure DevOps and GitHub. */
export type HostKind = 'azure-pipelines' | 'github';

export interface InputSpec {
  readonly name: string;
  readonly label: string;
  readonly type: InputType;
  readonly help: string;
  readonly required?: boolean;
  readonly default?: string;
  /** Allowed values of a pickList. */
  readonly options?: readonly string[];
  /** Lower bound for integer and number inputs. */
  readonly min?: number;
  readonly max?: number;
  /** The value is a secret: masked before anything else runs, never echoed. */
  readonly secret?: boolean;
  readonly group?: string;
  /**
   * When the input applies: each key names a pickList or boolean input and lists the values under which this one
   * is used (`'true'`/`'false'` for a boolean);
   * every key must hold. The parser refuses or warns about an input given where it does not apply
   * (`inputsNotApplying`), task.json hides it (`visibleRule`) and the README says so.
   */
  readonly appliesWhen?: AppliesWhen;
  /** Hosts that offer this input; all when absent. */
  readonly hosts?: readonly HostKind[];
  /**
   * The classic editor offers a pick list of what the service connection sees (task.json `dataSourceBindings`);
   * the value stays free text (`EditableOptions`), so variables still work.
   */
  readonly pickFrom?: AzurePickList;
}

/** Lists the classic editor fills through the Azure Resource Manager service connection. */
export type AzurePickList = 'resourceGroups' | 'workspaces';

/** The colours GitHub allows in an action's `branding`. */
export type BrandingColor =
  'white' | 'black' | 'yellow' | 'blue' | 'green' | 'orange' | 'red' | 'purple' | 'gray-dark';

/** `{ action: ['deploy'], target: ['managed', 'kubernetes'] }`: pickList input names to the values allowed. */
export type AppliesWhen = Readonly<Record<string, readonly string[]>>;

export interface OutputSpec {
  readonly name: string;
  readonly description: string;
  readonly secret?: boolean;
}

export interface GroupSpec {
  readonly name: string;
  readonly displayName: string;
  readonly collapsed?: boolean;
}

export interface StepManifest {
  /** Step id: folder under actions/ and shared/src/steps/. */
  readonly id: string;
  /** Azure DevOps task name (without the version suffix). */
  readonly taskName: string;
  /** Stable task GUID: never change it once published. */
  readonly taskId: string;
  readonly friendlyName: string;
  readonly description: string;
  readonly category: 'Build' | 'Deploy' | 'Test' | 'Utility';
  readonly instanceNameFormat: string;
  readonly groups: readonly GroupSpec[];
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly OutputSpec[];
  /**
   * How the step looks in the GitHub Marketplace (a Feather icon name and a colour) and, the same colour, in the
   * classic editor (the task icon scripts/make-icon.py draws): each step its own.
   */
  readonly branding: { readonly icon: string; readonly color: BrandingColor };
}

/** `scoringUri` -> `scoring-uri`: GitHub input and output names. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Inputs a given host offers. */
export function inputsFor(manifest: StepManifest, host: HostKind): InputSpec[] {
  return manifest.inputs.filter((input) => !input.hosts || input.hosts.includes(host));
}

/** `scoringUri` -> `INPUT_SCORING_URI`: the variable that gives an input on a laptop (environment or .env file). */
export function localVariableName(name: string): string {
  return `INPUT_${name.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/** The name a host knows an input by: as written in azure-pipelines.yml, a workflow's `with:`, or a local .env. */
export function hostName(name: string, host: HostKind | 'local'): string {
  if (host === 'github') return kebabCase(name);
  return host === 'local' ? localVariableName(name) : name;
}
