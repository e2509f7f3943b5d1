/**
 * A job summary outlives the agent: every file it names must be named in the run's artifacts (or linked in the
 * studio), never by a path in the agent's or runner's temp folder, which is wiped when the job ends. Both host
 * harnesses check every summary with this, so each step's bundle tests prove it. The step's own error messages are
 * exempt where the summary quotes them: a refusal names the folders an input may be in (the temp folder among
 * them), for the person fixing the input, not as a file to open later.
 */
export function checkSummaryNamesNoAgentPath(
  summary: string,
  agentTemp: string,
  /** Sources folder, when the harness nests it in the temp folder (a real agent keeps it outside). */
  sourcesDir?: string,
  errors: readonly string[] = [],
): void {
  const quoted = errors.flatMap((e) => e.split('\n')).filter((l) => l.trim() !== '');
  let text = quoted.reduce((t, line) => t.split(line).join('<error>'), summary);
  if (sourcesDir) text = text.split(sourcesDir).join('<sources>');
  const line = text.split('\n').find((l) => l.includes(agentTemp));
  if (line !== undefined)
    throw new Error(`The job summary names a path in the agent temp folder ${agentTemp}: ${line}`);
}
