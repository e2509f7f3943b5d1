import type { StepContext, StepOutcome } from '../../step/define';
import { deleteAci } from './actions/aci-delete';
import { deployAci } from './actions/aci-deploy';
import { deleteDeployment } from './actions/delete-deployment';
import { writeEndpoint } from './actions/endpoint-action';
import { deployOnline } from './actions/online-deploy';
import { promote } from './actions/promote';
import { reject } from './actions/reject';
import { setTraffic } from './actions/set-traffic';
import type { DeployConfig } from './config';
import type { DeployReport } from './summary';

/**
 * Runs the action the inputs ask for, noting in `report` what it does as it goes (runStep writes the report,
 * whatever happened); a success says in the log what changed (or that nothing did).
 */
export async function runDeploy(
  config: DeployConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const outcome = await dispatch(config, context, report);
  // runStep logs the message of a failure; a success's message is the step's last word in the log too.
  if (outcome.result === 'succeeded' && outcome.message) context.logger.info(outcome.message);
  return outcome;
}

function dispatch(config: DeployConfig, context: StepContext, report: DeployReport): Promise<StepOutcome> {
  switch (config.action) {
    case 'deploy':
      return config.target === 'aci'
        ? deployAci(config, context, report)
        : deployOnline(config, context, report);
    case 'endpoint':
      return writeEndpoint(config, context, report);
    case 'set-traffic':
      return setTraffic(config, context, report);
    case 'delete-deployment':
      return config.target === 'aci'
        ? deleteAci(config, context, report)
        : deleteDeployment(config, context, report);
    case 'promote':
      return promote(config, context, report);
    case 'reject':
      return reject(config, context, report);
  }
}
