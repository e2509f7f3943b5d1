import { describeFailure, jsonEqual, judgeAnswer, type CaseFailure } from './assertions';
import type { SmokeCase, SmokePlan } from './cases-file';
import type { ScoringResult } from './http-client';
import { describeValue } from './text';

/** What happened to one case. */
export interface CaseOutcome {
  readonly name: string;
  readonly reject: boolean;
  readonly passed: boolean;
  /** HTTP status, or the connection error code. */
  readonly status: string;
  readonly durationMs: number;
  readonly failures: readonly CaseFailure[];
  readonly notes: readonly string[];
  /** The parsed answer, when it was JSON. */
  readonly answer?: { readonly value: unknown };
}

/** A check across cases (the model is not constant). */
export interface CheckOutcome {
  readonly name: string;
  readonly result: 'passed' | 'failed' | 'skipped';
  readonly failure?: CaseFailure;
  readonly reason?: string;
}

export type Send = (smokeCase: SmokeCase) => Promise<ScoringResult>;

/** Runs the cases in order; after each reject case, re-sends the first valid case to prove the endpoint survived. */
export async function runCases(
  plan: SmokePlan,
  send: Send,
  onCase?: (outcome: CaseOutcome) => void,
): Promise<CaseOutcome[]> {
  const recoveryCase = plan.cases.find((c) => !c.reject)!;
  const outcomes: CaseOutcome[] = [];
  for (const smokeCase of plan.cases) {
    const result = await send(smokeCase);
    const verdict = judgeAnswer(smokeCase, result);
    const failures = [...verdict.failures];
    if (smokeCase.reject) {
      // The probe asks whether the endpoint still serves; what it predicts is the recovery case's own business.
      const probe = judgeAnswer(recoveryCase, await send(recoveryCase), { assertions: false });
      const [first] = probe.failures;
      if (first) {
        failures.push({
          ...first,
          headline: `endpoint did not answer a valid request after the rejected payload (recovery probe with case '${recoveryCase.name}')`,
        });
      }
    }
    const outcome: CaseOutcome = {
      name: smokeCase.name,
      reject: smokeCase.reject,
      passed: failures.length === 0,
      status: result.kind === 'answer' ? String(result.status) : result.code,
      durationMs: result.durationMs,
      failures,
      notes: verdict.notes,
      ...(verdict.answer ? { answer: verdict.answer } : {}),
    };
    outcomes.push(outcome);
    onCase?.(outcome);
  }
  return outcomes;
}

/** The named cases' answers must not all be equal: a model that ignores its input is broken. */
export function checkNotConstant(
  names: readonly string[],
  outcomes: readonly CaseOutcome[],
): CheckOutcome | undefined {
  if (names.length === 0) return undefined;
  const name = `not constant (${names.join(', ')})`;
  const named = names.map((caseName) => outcomes.find((o) => o.name === caseName)!);
  // Judged on any JSON answer, even one that failed its assertions: a constant model fails those too.
  const unanswered = named.find((o) => !o.answer);
  if (unanswered)
    return { name, result: 'skipped', reason: `not judged: case '${unanswered.name}' has no valid answer` };
  const [first, ...rest] = named.map((o) => o.answer!.value);
  if (rest.some((answer) => !jsonEqual(answer, first))) return { name, result: 'passed' };
  const failure: CaseFailure = {
    expected: `different answers for cases ${names.map((n) => `'${n}'`).join(', ')}`,
    actual: `the same answer for all: ${describeValue(first)}`,
  };
  return { name, result: 'failed', failure, reason: describeFailure(failure) };
}
