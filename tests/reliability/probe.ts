/**
 * The reliability suite (#14): each probe reproduces one way a step was seen to leak, hang, crash or leave work
 * half-done, and says what it expected and what it observed. The probes run twice from one definition: as jest tests
 * (`tests/reliability/*.test.ts`, part of `npm test`) and as the table of `npm run test:reliability`.
 */
export interface ProbeResult {
  /** What happened, in a few words ("refused: requestFile … is outside the allowed folders"). */
  readonly observed: string;
  /** Whether the observed behaviour is the expected one. */
  readonly pass: boolean;
  /** Canary secrets found in anything the step printed or wrote (see `canary.ts`). Must be 0. */
  readonly canaryHits?: number;
  /** The step ended with an error nobody wrote for the user ("Unexpected error", a stack, a Node error code). */
  readonly unexpectedError?: boolean;
  /** Peak resident memory of the step process (not the emulator), in MB, when the probe measures it. */
  readonly peakRssMb?: number;
}

export interface Probe<Context> {
  /** Short, stable identifier: `redaction/key-cut-at-quote-limit`. */
  readonly id: string;
  /** What the probe does, as the table shows it. */
  readonly title: string;
  /** A leak (canary secrets), a fault survived (hostile server, interruption, hang) or a bad input refused clearly. */
  readonly kind: 'leak' | 'fault' | 'bad-input';
  /** What must happen, as the table shows it. */
  readonly expected: string;
  /** Documented bound: the probe must end within this many milliseconds (the table counts a longer run as a hang). */
  readonly boundMs: number;
  /** Peak memory bound of the step process in MB, for the probes that measure it. */
  readonly maxRssMb?: number;
  run(context: Context): Promise<ProbeResult>;
}

/** Probes that share one setup (an emulator, a hostile scoring server, a workspace folder). */
export interface ProbeArea<Context = void> {
  readonly name: string;
  start(): Promise<Context>;
  stop(context: Context): Promise<void>;
  readonly probes: readonly Probe<Context>[];
}

export function defineArea<Context>(area: ProbeArea<Context>): ProbeArea<Context> {
  return area;
}

/** Messages the user should never see as a step's error: Node's and JavaScript's own wording, not ours. */
const unexpectedErrorPatterns = [
  /Unexpected error/i,
  /\bat [\w.<>]+ \(.*:\d+:\d+\)/, // a stack frame
  /Invalid string length|Maximum call stack|Cannot read propert(y|ies) of|secretOrPrivateKey/,
];
/** Node's error codes are ours to explain: alone they are unexpected, next to the file or datastore they are not. */
const nodeErrorCode = /\b(ERR_[A-Z_]+|ECONNRESET|EPIPE|ENOENT|EACCES|ELOOP|ETIMEDOUT)\b/;
const namesWhat = /\b(file|folder|datastore|path|endpoint|request)\b/i;

/** True when an error message is Node's or JavaScript's own wording rather than one written for the user. */
export function isUnexpectedError(message: string): boolean {
  if (unexpectedErrorPatterns.some((pattern) => pattern.test(message))) return true;
  return nodeErrorCode.test(message) && !namesWhat.test(message);
}
