import { signInEarly } from '../sign-in-early';
import { defineStep } from '../../step/define';
import { parseSmokeTestConfig } from './config';
import { smokeTestManifest } from './manifest';
import { renderSummary, type SmokeSummary } from '../../smoke/report';
import { finalReporter } from '../../step/final-report';
import type { SmokeTestRequest } from './config';

/** The smoke-test step: waits for a scoring endpoint, checks its answers against cases, measures latency. */
export const smokeTestStep = defineStep({
  manifest: smokeTestManifest,
  parse: parseSmokeTestConfig,
  report: finalReporter<SmokeTestRequest, SmokeSummary>(renderSummary),
  // The request runner and the Azure SDKs load once the inputs are valid (docs/decisions/0003): a bad input fails fast.
  run: async (request, context, report) => {
    if (!request.endpoint) return (await import('./run')).runSmokeTest(request, context, report);
    await signInEarly(request.endpoint, context);
    const [{ runSmokeTest }, { resolveEndpoint }] = await Promise.all([
      import('./run'),
      import('./resolve-endpoint'),
    ]);
    const target = await resolveEndpoint(request.endpoint, context);
    // A key given as input wins over the one read from Azure (e.g. the secondary key during a rotation).
    return runSmokeTest(
      {
        ...request,
        ...target,
        endpointName: request.endpoint.endpointName,
        ...(request.authKey ? { authKey: request.authKey } : {}),
      },
      context,
      report,
    );
  },
});
