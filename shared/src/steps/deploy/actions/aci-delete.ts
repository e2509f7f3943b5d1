import { createContainerInstanceClient } from '../../../azure/arm-clients';
import { openWorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../../step/define';
import { deleteGroup, readGroup } from '../aci';
import type { DeleteDeploymentConfig } from '../config';
import { orMissing } from '../online';
import type { DeployReport } from '../summary';
import { dryRunOutcome } from './dry-run';

/** Action delete-deployment, target aci: deletes the container group of `endpointName` (when it exists). */
export async function deleteAci(
  config: DeleteDeploymentConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const session = openWorkspaceSession(config.workspace, 'deploy', context);
  const aci = createContainerInstanceClient(session.credential, session.target, session.clientOptions);
  const name = config.endpointName;
  context.setOutput('dryRun', config.dryRun);
  const existing = await orMissing(() => readGroup(aci, session, name));
  if (!existing) {
    report.changes.push('nothing to change');
    return { result: 'succeeded', message: `Container group '${name}' does not exist: nothing to delete.` };
  }
  if (config.dryRun) {
    const path = `/subscriptions/${session.access.subscriptionId}/resourceGroups/${session.resourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${name}`;
    const what = `delete container group '${name}'`;
    return dryRunOutcome(
      context,
      report,
      [{ method: 'DELETE', path, what }],
      `Dry run: container group '${name}' would be deleted; nothing was sent.`,
    );
  }
  await deleteGroup(aci, session, name, context);
  report.changes.push(`deleted container group '${name}'`);
  return { result: 'succeeded', message: `Container group '${name}' was deleted.` };
}
