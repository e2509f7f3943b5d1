/** Reading Azure ML CLI v2 job YAML for the train step: validate, list what to resolve, build the ARM request. */
export { loadJobSpec } from './load-job-spec';
export { parseSetOverrides, type SetOverride } from './set-overrides';
export { YamlErrors as JobSpecErrors } from '../../../yaml/problems';
export { references } from './references';
export { anonymousComponent, ANONYMOUS_COMPONENT_NAME, type AnonymousComponent } from './rest-component';
export type { Resolved } from './rest-parts';
export { toRestJob, type RestContext, type RestJob } from './to-rest-job';
export { metricsKind } from './job-kind';
export type * from './model';
