import type { StepReporter } from './define';

/**
 * The report of a step that has something to say only once it knows its outcome (a job followed to its end, a
 * model registered, the drift judged): run() sets both parts then. A run that failed before adds nothing to
 * its result line.
 */
export interface FinalReport<Summary> {
  /** What the job summary shows, rendered by the step's renderer. */
  summary?: Summary;
  /** The evidence's details. */
  evidence?: Record<string, unknown>;
}

export function finalReporter<Config, Summary>(
  render: (summary: Summary) => string,
): StepReporter<Config, FinalReport<Summary>> {
  return {
    start: () => ({}),
    render: (report) =>
      report.summary === undefined ? {} : { summary: render(report.summary), evidence: report.evidence },
  };
}
