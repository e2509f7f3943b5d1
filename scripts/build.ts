import { build, type BuildOptions } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stepManifests } from '../shared/src/steps/manifests';
import { actionEntryPath, taskEntryPath } from './generate/entries';
import { repoRoot } from './generate/project';
import { bundleTarget } from './generate/task-json';

/** One CommonJS file per entry: runs under Node 20 and 24 with nothing beside it. */
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Without module-first resolution, core-rest-pipeline and friends end up in the bundle twice.
  mainFields: ['module', 'main'],
  // ESM builds (storage-common's CRC64) read import.meta.url, which a CommonJS bundle lacks: give them the bundle's.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  // Syntax-only minification: names and line structure stay readable in stack traces, dead branches go.
  minifySyntax: true,
};

/** The file the bundle goes to; the entry the hosts start (`dist/index.js`) only loads it. */
const bundleFile = 'step.js';

/**
 * The entry: turns on Node's compile cache (Node 22.8+, a no-op before) so the bundle's compiled code is reused by
 * the next step on the same agent, then loads the bundle. The cache only works for code loaded after it is on,
 * hence two files.
 */
const entryLoader = `'use strict';
try {
  require('node:module').enableCompileCache?.();
} catch {
  // A read-only or full temporary folder: run without the cache.
}
require('./${bundleFile}');
`;

export async function buildAll(): Promise<string[]> {
  const entries = stepManifests.flatMap((manifest) => [taskEntryPath(manifest), actionEntryPath(manifest)]);
  const results = await Promise.all(
    entries.map(async (entry) => {
      const entryFile = join(repoRoot, entry.replace(/index\.ts$/, bundleTarget));
      const outfile = join(dirname(entryFile), bundleFile);
      // A clean folder: what is packaged is exactly what this build wrote.
      rmSync(dirname(entryFile), { recursive: true, force: true });
      const result = await build({ ...common, entryPoints: [join(repoRoot, entry)], outfile });
      writeFileSync(entryFile, entryLoader);
      const taskLibCopies = Object.keys(result.metafile?.inputs ?? {}).filter((input) =>
        /node_modules\/azure-pipelines-task-lib\/task\.js$/.test(input),
      ).length;
      if (taskLibCopies > 1)
        throw new Error(`${entry}: ${taskLibCopies} copies of azure-pipelines-task-lib in the bundle`);
      return entryFile;
    }),
  );
  return results;
}

if (require.main === module) {
  const started = Date.now();
  buildAll().then(
    (files) => console.log(`built ${files.length} bundles in ${Date.now() - started} ms`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
