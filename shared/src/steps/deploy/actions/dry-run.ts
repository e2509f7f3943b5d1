/**
 * Dry runs of the deploy step (every action): the requests that would be sent are printed, one log group each,
 * and recorded in the summary and the evidence; the `dryRun` output says nothing was sent. Secrets are never
 * printed: SAS tokens are cut from URLs, and the log masks every secret the step registered.
 */
import type { StepContext, StepOutcome } from '../../../step/define';
import type { DeployReport } from '../summary';

/** A request a real run would send. */
export interface PlannedRequest {
  readonly method: 'PUT' | 'DELETE' | 'POST';
  /** The ARM path (no host). */
  readonly path: string;
  /** When it is not the SDK's own. */
  readonly apiVersion?: string;
  /** `create the endpoint`, `set traffic blue 90 %, green 10 %`. */
  readonly what: string;
  readonly body?: unknown;
}

/** The body as printed: SAS tokens (`sig=`) cut from every URL in it. */
export function printable(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body ?? null, (_key, value: unknown) =>
      typeof value === 'string' && /[?&]sig=/i.test(value)
        ? value.replace(/\?.*$/, '?<SAS token not printed>')
        : value,
    ),
  );
}

/** Prints the requests, records them, sets the `dryRun` output: the outcome of a dry run. */
export function dryRunOutcome(
  context: StepContext,
  report: DeployReport,
  requests: readonly PlannedRequest[],
  message: string,
): StepOutcome {
  const { logger } = context;
  const shown = requests.map((request) => ({ ...request, body: printable(request.body) }));
  for (const request of shown) {
    const version = request.apiVersion ? `?api-version=${request.apiVersion}` : '';
    logger.startGroup(`Would ${request.what}: ${request.method} ${request.path}${version}`);
    if (request.body !== null)
      for (const line of JSON.stringify(request.body, null, 2).split('\n')) logger.info(line);
    logger.endGroup();
  }
  if (requests.length === 0) logger.info('Dry run: no request would be sent (nothing to change).');
  context.setOutput('dryRun', true);
  report.dryRun = true;
  report.requests = shown.map(({ method, path, what, apiVersion }) => ({
    method,
    path,
    what,
    ...(apiVersion ? { apiVersion } : {}),
  }));
  report.changes = requests.length ? requests.map((r) => `would ${r.what}`) : ['nothing to change'];
  report.evidence = { ...report.evidence, dryRun: true, requests: shown };
  return { result: 'succeeded', message };
}
