/**
 * A job summary outlives the agent: every file it names must be named in the run's artifacts (or linked in the
 * studio), never by a path in the agent's or runner's temp folder, which is wiped when the job ends. Both host
 * harnesses check every summary with this, so each step's bundle tests prove it.
 */
export function checkSummaryNamesNoAgentPath(
  summary: string,
  agentTemp: string,
  /** Sources folder, when the harness nests it in the temp folder (a real agent keeps it outside). */
  sourcesDir?: string,
): void {
  const text = sourcesDir ? summary.split(sourcesDir).join('<sources>') : summary;
  const line = text.split('\n').find((l) => l.includes(agentTemp));
  if (line !== undefined)
    throw new Error(`The job summary names a path in the agent temp folder ${agentTemp}: ${line}`);
}
