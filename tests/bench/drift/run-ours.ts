/**
 * Our side of the drift benchmark, run in its own process (bundled like the tasks, so profiling uses the same
 * worker threads): profiles both files, compares every shared column, prints one JSON line with the time and
 * peak memory. The isMainThread guard is what a step entry needs too (see profile/worker.ts).
 *
 *   node run-ours.js BASELINE CURRENT [maxSampleRows]
 */
import { isMainThread } from 'node:worker_threads';
import type { DriftMethod, FeatureComparison } from '../../../shared/src/drift/model';
import { profileBoth } from '../../../shared/src/drift/profile';

async function main(): Promise<void> {
  const [baselinePath, currentPath, maxSampleRows = '1000000'] = process.argv.slice(2);
  const started = performance.now();
  const pair = await profileBoth(baselinePath!, currentPath!, {
    workspaceDir: process.cwd(),
    maxSampleRows: Number(maxSampleRows),
    seed: 0,
  });
  const profiled = performance.now();
  const features: Record<string, FeatureComparison['metrics'] | string> = {};
  let compareError: string | undefined;
  try {
    const { compareFeature, inferFeatureType } = await import('../../../shared/src/drift/compare');
    pair.columns.forEach((name, index) => {
      const baseline = pair.baseline.columns[index]!;
      const current = pair.current.columns[index]!;
      const inferred = inferFeatureType(baseline);
      features[name] = compareFeature(baseline, current, {
        method: 'distance' as DriftMethod,
        type: inferred.type,
        typeSource: 'inferred',
        numericThreshold: 0.1,
        categoricalThreshold: 0.1,
        warnThreshold: 0.5,
        critical: false,
      }).metrics;
    });
  } catch (error) {
    compareError = error instanceof Error ? error.message : String(error);
  }
  const finished = performance.now();
  console.log(
    JSON.stringify({
      seconds: (finished - started) / 1000,
      profileSeconds: (profiled - started) / 1000,
      compareSeconds: (finished - profiled) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      rows: { baseline: pair.baseline.rows, current: pair.current.rows },
      ...(compareError ? { compareError } : {}),
      features,
    }),
  );
}

if (isMainThread)
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
