/**
 * `npm run demo`: two releases through the flow of examples/ (train → register → deploy to a test target → smoke
 * test → drift check → production dry run → release gate → approval → blue/green to production on AKS), each step
 * the bundled task or action run exactly as the Azure Pipelines agent or the GitHub runner runs it, against the
 * embedded Azure emulator, which trains the model for real and serves it for real. The build and test stages run as
 * Azure Pipelines tasks, production as GitHub Actions (the same steps run on either host).
 *
 * Release 1 meets production inputs that drifted (a warmer, more humid spring: data/recent.csv): the release gate
 * blocks it and production stays as it was. Release 2 meets inputs like the training data's same season
 * (drift/spring-2024.csv): the gate passes it, and it goes to production. Each release leaves its evidence page.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startEmulator } from '../emulator/emulator';
import { MissingPrerequisiteError } from '../emulator/prerequisites';
import { repoRoot } from '../tests/harness/runtimes';
import { removeScratchFolders } from '../tests/harness/scratch-folders';
import { bold, Flow, indent } from './demo/flow';
import { weather } from './demo/paths';
import { productionState, setUpProduction } from './demo/production';
import { buildAndTest, deployToProduction, type ReleasePlan, type TestedRelease } from './demo/release';

const banner = (text: string) => console.log(bold(`\n━━━ ${text} ━━━`));
const pageOf = (release: TestedRelease) => join(release.pageFolder, 'release-evidence.html');
/** The demo's releases, kept for the user to open after the run: a folder of the repository that git ignores. */
const OUTPUT = join(repoRoot, '.demo');
const describeRules = (release: TestedRelease) =>
  release.failedRules.map((rule) => `${rule.rule}: ${rule.reason}`).join('; ') || 'no rule failed';

/** A release meeting the given production inputs, and what its drift check and gate should end with. */
function plan(folder: string, currentData: string, gate: 'blocked' | 'passed'): ReleasePlan {
  const blocked = gate === 'blocked';
  return {
    folder,
    currentData: weather(currentData),
    // A failing drift verdict with failOn: never is "succeeded with issues"; the gate is what fails.
    expectDrift: blocked ? 'SucceededWithIssues' : 'Succeeded',
    expectGate: blocked ? 'Failed' : 'Succeeded',
  };
}

async function main(): Promise<void> {
  // The bundles' compile cache (Node 22+) beside the demo's output rather than in the temp folder, where it would
  // outlive the run.
  process.env.NODE_COMPILE_CACHE ??= join(repoRoot, '.cache', 'node-compile-cache');
  const emulator = await startEmulator();
  const flow = new Flow(emulator);
  // Each run replaces the previous run's releases; the agent and runner folders of its steps are removed at the end.
  rmSync(OUTPUT, { recursive: true, force: true });
  mkdirSync(OUTPUT, { recursive: true });
  const folder = OUTPUT;
  const problems: string[] = [];
  let blocked: TestedRelease | undefined;
  let released: TestedRelease | undefined;
  try {
    await setUpProduction(emulator, flow);
    const before = productionState(emulator);
    console.log(`  production today: ${JSON.stringify(before)}`);

    banner('Release 1: production inputs of the last six weeks drifted (data/recent.csv)');
    const first = plan(join(folder, 'release-1'), 'data/recent.csv', 'blocked');
    blocked = await buildAndTest(flow, first);
    console.log(bold(`\n⛔ The release gate blocked ${blocked.modelId}: the production stage does not run.`));
    console.log(indent(blocked.failedRules.map((rule) => `✘ ${rule.rule}: ${rule.reason}`).join('\n'), '  '));
    console.log(`  evidence page: ${pageOf(blocked)}`);
    const afterBlocked = productionState(emulator);
    if (!isDeepStrictEqual(afterBlocked, before))
      problems.push(`production changed after the blocked release: ${JSON.stringify(afterBlocked)}`);
    else console.log(`  production unchanged: ${JSON.stringify(afterBlocked)}`);
    if (blocked.failedRules.length === 0) problems.push('the blocked release failed no rule of the gate');

    banner('Release 2: production inputs like the training data’s spring (drift/spring-2024.csv)');
    const second = plan(join(folder, 'release-2'), 'drift/spring-2024.csv', 'passed');
    released = await buildAndTest(flow, second);
    console.log(
      bold(
        '\n⏸ Approval: environment "weather-production" waits for a reviewer, who reads the evidence page:\n',
      ),
    );
    console.log(indent(released.gate.summary, '  │ '));
    console.log(`  evidence page: ${pageOf(released)}`);
    console.log(bold('\n  (approved by the demo)'));
    if (released.gate.result === 'Succeeded') await deployToProduction(flow, second, released.modelId);
    const after = productionState(emulator);
    const expected = { traffic: { green: 100 }, deployments: { green: released.modelId } };
    if (!isDeepStrictEqual(after, expected))
      problems.push(`production is ${JSON.stringify(after)}, not ${JSON.stringify(expected)}`);
    console.log(
      `\n  production before: ${JSON.stringify(before)}\n  production now:    ${JSON.stringify(after)}`,
    );
  } finally {
    await emulator.close();
    removeScratchFolders();
  }
  if (flow.unexpected > 0) problems.push(`${flow.unexpected} step(s) did not end as expected`);
  if (problems.length > 0 || !blocked || !released) {
    console.log(bold(`\n✘ demo: ${problems.join('; ') || 'a release did not finish'}\n`));
    process.exitCode = 1;
    return;
  }
  console.log(
    bold(
      `\n✔ demo finished: release 1 (${blocked.modelId}) blocked by the release gate (${describeRules(blocked)}), production untouched; ` +
        `release 2 (${released.modelId}) in production (green, 100 %); no secret showed.\n` +
        `  evidence pages: release 1 ${pageOf(blocked)}\n                  release 2 ${pageOf(released)}\n` +
        `  (kept in ${relative(process.cwd(), OUTPUT) || OUTPUT}/, which git ignores and the next demo replaces; nothing is left in the temp folder)\n`,
    ),
  );
}

void main().catch((error: unknown) => {
  console.error(error instanceof MissingPrerequisiteError ? error.message : error);
  process.exitCode = 1;
});
