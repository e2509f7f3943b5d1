import type { StepResult } from '../platform/ports';

/** GitHub refuses step summaries over 1 MiB; stay well below so the result line always fits. */
export const maxSummaryBytes = 1000 * 1000;

const resultLabel: Record<StepResult, string> = {
  succeeded: '✅ succeeded',
  succeededWithIssues: '⚠️ succeeded with issues',
  failed: '❌ failed',
  cancelled: '⏹️ cancelled',
};

/** The markdown section one step adds to the job summary: a heading with the result, then the step's own parts. */
export function composeStepSummary(
  title: string,
  result: StepResult,
  sections: readonly string[],
  message?: string,
): string {
  const parts = [`## ${title}: ${resultLabel[result]}`];
  if (message && result !== 'succeeded') parts.push(`> ${message.split('\n').join('\n> ')}`);
  parts.push(...sections);
  return truncateUtf8(parts.join('\n\n') + '\n', maxSummaryBytes);
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const note = '\n\n_(summary truncated: see the evidence JSON for the full record)_\n';
  const cut = Buffer.from(text)
    .subarray(0, maxBytes - Buffer.byteLength(note))
    .toString('utf8');
  // A cut inside a multi-byte character leaves U+FFFD at the end.
  return cut.replace(/\uFFFD$/, '') + note;
}
