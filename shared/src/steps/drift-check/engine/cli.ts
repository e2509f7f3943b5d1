/**
 * The drift engine as the Azure ML job runs it (`runOn: azureml`): an entry of the step's own bundle
 * (`dist/drift-engine.mjs`, scripts/build.ts), started by the parallel step's thin Python entry
 * (profile_partitions.py) and by the merge step. Commands:
 *
 * - `count-rows --root <folder> --side <side> --settings <s>`: the side's row count (sets the sample cutoff every partition shares).
 * - `profile-partition --root <folder> --side <side> --settings <s> --total-rows <n> --out <folder> <file>...`: one partition
 *   profile per file, named by the file's place in the side's sorted files.
 * - `merge --settings <s> --baseline <folder> --current <folder> --out <folder>`: merges each side's partitions,
 *   judges them as the step does on an agent, and writes drift-report.json, drift-report.html and judgement.json.
 *
 * A problem is printed on stderr as the step would say it, and the process exits 1.
 */
import { parseArgs } from 'node:util';
import { formatLocation, StepError } from '../../../step/errors';
import { countSideRows, mergeAndJudge, profilePartitions } from './partitions';
import { decodeJobSettings } from '../azureml/job-settings';
import { consoleLogger } from './console-logger';

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    options: {
      root: { type: 'string' },
      settings: { type: 'string' },
      'total-rows': { type: 'string' },
      out: { type: 'string' },
      baseline: { type: 'string' },
      current: { type: 'string' },
      side: { type: 'string' },
    },
  });
  const need = (name: keyof typeof values): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new Error(`${command}: --${name} is required`);
    return value;
  };
  switch (command) {
    case 'count-rows':
      process.stdout.write(
        `${await countSideRows(need('root'), need('side'), decodeJobSettings(need('settings')))}\n`,
      );
      return;
    case 'profile-partition':
      await profilePartitions({
        root: need('root'),
        side: need('side'),
        settings: decodeJobSettings(need('settings')),
        totalRows: Number(need('total-rows')),
        out: need('out'),
        files: positionals,
        logger: consoleLogger(),
      });
      return;
    case 'merge':
      await mergeAndJudge({
        settings: decodeJobSettings(need('settings')),
        baseline: need('baseline'),
        current: need('current'),
        out: need('out'),
        logger: consoleLogger(),
      });
      return;
    default:
      throw new Error(`unknown command '${String(command)}': count-rows, profile-partition or merge`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const where = error instanceof StepError && error.location ? ` (${formatLocation(error.location)})` : '';
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}${where}\n`);
  process.exitCode = 1;
});
