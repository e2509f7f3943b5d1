/** What `npm run step -- <step-id> [--env-file <path>] [--emulator]` asks for. */
export interface LocalStepArguments {
  readonly stepId: string;
  readonly envFile?: string;
  readonly emulator: boolean;
}

export function usage(stepIds: readonly string[]): string {
  return `usage: npm run step -- <${stepIds.join('|')}> [--env-file <path>] [--emulator]`;
}

/** The arguments, or the line saying what is wrong with them (then the usage). */
export function parseLocalStepArguments(
  argv: readonly string[],
  stepIds: readonly string[],
): LocalStepArguments | { readonly problem: string } {
  const [stepId, ...rest] = argv;
  if (stepId === undefined || !stepIds.includes(stepId))
    return { problem: stepId === undefined ? 'no step given' : `'${stepId}' is not a step` };
  let envFile: string | undefined;
  let emulator = false;
  for (let at = 0; at < rest.length; at++) {
    const argument = rest[at]!;
    if (argument === '--emulator') emulator = true;
    else if (argument === '--env-file' || argument.startsWith('--env-file=')) {
      envFile = argument === '--env-file' ? rest[++at] : argument.slice('--env-file='.length);
      if (!envFile) return { problem: '--env-file needs a path: --env-file .env' };
    } else return { problem: `unknown argument '${argument}'` };
  }
  return { stepId, envFile, emulator };
}
