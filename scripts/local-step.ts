import { localPlatform } from '../shared/src/platform/local';
import { stepRunners } from '../shared/src/steps';

/** `npm run step -- <step-id> [--env-file <path>]`: runs a step on this machine (README, "Running a step on your laptop"). */
async function main(argv: string[]): Promise<void> {
  const [id, ...rest] = argv;
  const run = id === undefined ? undefined : stepRunners[id];
  if (!run) {
    console.error(`usage: npm run step -- <${Object.keys(stepRunners).join('|')}> [--env-file <path>]`);
    process.exitCode = 2;
    return;
  }
  const envFileAt = rest.indexOf('--env-file');
  await run(localPlatform({ envFile: envFileAt >= 0 ? rest[envFileAt + 1] : undefined }));
}

void main(process.argv.slice(2));
