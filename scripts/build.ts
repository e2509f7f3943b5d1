import { build, type BuildOptions, type Plugin } from 'esbuild';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stepManifests } from '../shared/src/steps/manifests';
import { actionEntryPath, taskEntryPath } from './generate/entries';
import { repoRoot } from './generate/project';
import { bundleTarget } from './generate/task-json';

/**
 * Per entry, an ES module bundle split into chunks: the entry chunk holds the host library, input reading and
 * parsing; what a step's run() needs (the Azure SDKs, the drift readers, octokit) is in chunks it imports only once
 * the inputs are valid (docs/decisions/0003). Runs under Node 20 and 24 with nothing but its own files beside it.
 */
/**
 * `@actions/core` imports its OIDC client, and through it @actions/http-client and undici (about 420 KB), only for
 * `getIDToken`: this makes that import lazy, so an action loads them only when it asks for an ID token (OIDC
 * sign-in). The build fails if the import is no longer there as written (an upgrade changed it).
 */
const lazyActionsOidc: Plugin = {
  name: 'lazy-actions-oidc',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/ }, (args) => {
      const eager = "import { OidcClient } from './oidc-utils.js';";
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(eager)) throw new Error(`${args.path}: no \`${eager}\` to make lazy`);
      const lazy =
        'const OidcClient = { getIDToken: async (audience) => ' +
        "(await import('./oidc-utils.js')).OidcClient.getIDToken(audience) };";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  // Without module-first resolution, core-rest-pipeline and friends end up in the bundle twice.
  mainFields: ['module', 'main'],
  // The CommonJS packages inside (task-lib, its shelljs, the SDKs' CJS helpers) call require and read __dirname.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { dirname as __pathDirname } from 'node:path';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      'const __dirname = __pathDirname(__filename);',
    ].join(' '),
  },
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  // Minified with source maps beside: the entry turns source maps on, so stack traces name our source files.
  // Names are kept: our typed errors take their name from their class (`new.target.name`).
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  // Stack traces need the names and lines, not the sources: the maps stay a fraction of their size.
  sourcesContent: false,
  plugins: [lazyActionsOidc],
};

/** The entry chunk's name; the entry the hosts start (`dist/index.js`) only loads it. */
const bundleFile = 'step.mjs';

/**
 * The entry: turns on Node's compile cache (Node 22.8+, a no-op before) so the bundle's compiled code is reused by
 * the next step on the same agent, and source maps (stack traces name our files), then loads the bundle. The cache
 * only works for code loaded after it is on, hence two files.
 */
const entryLoader = `'use strict';
try {
  require('node:module').enableCompileCache?.();
} catch {
  // A read-only or full temporary folder: run without the cache.
}
// Reading the maps costs more than the bundle's start-up: only in the hosts' debug mode, the one that shows stacks.
if (process.env.RUNNER_DEBUG === '1' || /^true$/i.test(process.env.SYSTEM_DEBUG ?? '')) process.setSourceMapsEnabled(true);
import('./${bundleFile}');
`;

/**
 * What a step's bundle carries besides its entry: drift-check's Azure ML job (`runOn: azureml`) runs the bundle
 * itself as the job's code, through the engine entry and the parallel step's entry script, in an environment built
 * from the Docker context beside them, which `.amlignore` keeps out of the code (steps/drift-check/engine).
 */
const bundleExtras: Record<string, { entries: Record<string, string>; files: Record<string, string> }> = {
  'drift-check': {
    entries: { 'drift-engine': 'shared/src/steps/drift-check/engine/cli.ts' },
    files: {
      'profile_partitions.py': 'shared/src/steps/drift-check/engine/profile_partitions.py',
      environment: 'shared/src/steps/drift-check/engine/environment',
    },
  },
};

function addExtras(stepId: string, outdir: string): void {
  const extras = bundleExtras[stepId];
  if (!extras) return;
  for (const [to, from] of Object.entries(extras.files))
    cpSync(join(repoRoot, from), join(outdir, to), { recursive: true });
  writeFileSync(join(outdir, '.amlignore'), 'environment/\n');
}

export async function buildAll(): Promise<string[]> {
  const entries = stepManifests.flatMap((manifest) =>
    [taskEntryPath(manifest), actionEntryPath(manifest)].map((path) => ({ path, stepId: manifest.id })),
  );
  const results = await Promise.all(
    entries.map(async ({ path: entry, stepId }) => {
      const entryFile = join(repoRoot, entry.replace(/index\.ts$/, bundleTarget));
      const outdir = dirname(entryFile);
      // A clean folder: what is packaged is exactly what this build wrote.
      rmSync(outdir, { recursive: true, force: true });
      const result = await build({
        ...common,
        entryPoints: {
          [bundleFile.replace(/\.mjs$/, '')]: join(repoRoot, entry),
          ...Object.fromEntries(
            Object.entries(bundleExtras[stepId]?.entries ?? {}).map(([name, source]) => [
              name,
              join(repoRoot, source),
            ]),
          ),
        },
        outdir,
      });
      writeFileSync(entryFile, entryLoader);
      addExtras(stepId, outdir);
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
