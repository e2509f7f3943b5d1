import type { WorkspaceSession } from './workspace-session';

/** The page of a registered model version in Azure ML studio (the workspace named by its ARM id). */
export function modelStudioLink(
  session: Pick<WorkspaceSession, 'workspaceId'>,
  name: string,
  version: string,
): string {
  return `https://ml.azure.com/model/${encodeURIComponent(name)}:${encodeURIComponent(version)}/details?wsid=${encodeURIComponent(session.workspaceId)}`;
}
