/**
 * One run of drift-check `runOn: azureml` for the job benchmark, in its own process (run under measure.py, whose
 * peak RSS is then the largest of this process, the emulator it starts, the step and the job's processes): starts
 * an emulator, uploads both sides' Parquet files to its datastore, registers them as data assets, runs the
 * GitHub action with `runOn: azureml`, and prints one JSON line with the step's wall time and the report's rows.
 *
 *   npx tsx tests/bench/drift/job-run.ts DATA_FOLDER MAX_SAMPLE_ROWS
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEmulator } from '../../../emulator/start';
import type { DriftReport } from '../../../shared/src/drift/model';
import { startBriskEmulator } from '../../harness/brisk-emulator';
import { datastoreContainer } from '../../harness/emulator-model';
import { runOnEmulator } from '../../harness/emulator-run';

async function main(): Promise<void> {
  const [folder, maxSampleRows] = process.argv.slice(2);
  const emulator = await startBriskEmulator();
  try {
    const store = datastoreContainer(emulator);
    for (const side of ['baseline', 'current'] as const) {
      for (const name of readdirSync(join(folder!, side)).sort())
        await store.getBlockBlobClient(`bench/${side}/${name}`).uploadFile(join(folder!, side, name));
      emulator.assets.addAssetVersion(emulator.workspaceId, 'data', `bench-${side}`, '1', {
        dataType: 'uri_folder',
        dataUri: `azureml://datastores/workspaceblobstore/paths/bench/${side}/`,
      });
    }
    const started = performance.now();
    const run = await runOnEmulator('github', describeEmulator(emulator), {
      task: 'AzureMLDriftCheckV1',
      action: 'drift-check',
      inputs: {
        runOn: 'azureml',
        baselineData: 'azureml:bench-baseline:1',
        currentData: 'azureml:bench-current:1',
        failOn: 'never',
        maxSampleRows: maxSampleRows!,
      },
      timeoutMs: 3_600_000,
    });
    const seconds = (performance.now() - started) / 1000;
    if (run.errors.length > 0) throw new Error(run.errors.join('\n'));
    const report = JSON.parse(readFileSync(run.outputs.reportJson!, 'utf8')) as DriftReport;
    const partitions = /baseline: \d+ rows in \d+ file\(s\), (\d+) partition\(s\)/.exec(
      run.everythingPrinted,
    )?.[1];
    console.log(
      JSON.stringify({ seconds, rows: report.rows, partitions: Number(partitions), status: report.status }),
    );
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
