/**
 * The drift engine as the Azure ML job runs it (`runOn: azureml`): an entry of the step's own bundle
 * (`dist/drift-engine.mjs`, scripts/build.ts), started by the parallel step's thin Python entry
 * (profile_partitions.py) and by the pipeline's command steps. Commands:
 *
 * - `list-partitions --settings <s> --baseline <folder> --current <folder> --baseline-out <folder> --current-out <folder>`:
 *   each side's partitions (files, runs of a big Parquet file's row groups) as small files, the parallel steps' input.
 * - `profile-partition --root <folder> --side <side> --settings <s> --out <folder> <partition file>...`: one
 *   partition profile per partition file of a mini-batch.
 * - `merge --settings <s> --baseline <folder> --current <folder> --out <folder>`: merges each side's partitions,
 *   judges them as the step does on an agent, and writes drift-report.json, drift-report.html and judgement.json.
 *
 * A problem is printed on stderr as the step would say it, and the process exits 1.
 */
import { parseArgs } from 'node:util';
import { formatLocation, StepError } from '../../../step/errors';
import { listPartitions, mergeAndJudge, profilePartitions } from './partitions';
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
      'baseline-out': { type: 'string' },
      'current-out': { type: 'string' },
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
    case 'list-partitions': {
      const settings = decodeJobSettings(need('settings'));
      for (const side of ['baseline', 'current'] as const)
        await listPartitions({
          root: need(side),
          side,
          settings,
          out: need(`${side}-out`),
          logger: consoleLogger(),
        });
      return;
    }
    case 'profile-partition':
      await profilePartitions({
        root: need('root'),
        side: need('side'),
        settings: decodeJobSettings(need('settings')),
        out: need('out'),
        partitions: positionals,
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
      throw new Error(`unknown command '${String(command)}': list-partitions, profile-partition or merge`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const where = error instanceof StepError && error.location ? ` (${formatLocation(error.location)})` : '';
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}${where}\n`);
  process.exitCode = 1;
});
