import { defineStep } from '../../step/define';
import { parseSmokeTestConfig } from './config';
import { smokeTestManifest } from './manifest';
import { resolveEndpoint } from './resolve-endpoint';
import { runSmokeTest, smokeTestReporter } from './run';

/** The smoke-test step: waits for a scoring endpoint, checks its answers against cases, measures latency. */
export const smokeTestStep = defineStep({
  manifest: smokeTestManifest,
  parse: parseSmokeTestConfig,
  report: smokeTestReporter,
  run: async (request, context, report) => {
    if (!request.endpoint) return runSmokeTest(request, context, report);
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
