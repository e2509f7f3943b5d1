import { build, type BuildOptions, type Plugin } from 'esbuild';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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
 * A plugin that rewrites exact lines of one package file as it is bundled. The build fails if a line is no longer
 * there as written (an upgrade changed it): the assumption the rewrite rests on must be checked again.
 */
function rewriteSource(
  name: string,
  file: RegExp,
  replacements: ReadonlyArray<readonly [string, string]>,
): Plugin {
  return {
    name,
    setup(esbuild) {
      esbuild.onLoad({ filter: file }, (args) => {
        let source = readFileSync(args.path, 'utf8');
        for (const [from, to] of replacements) {
          if (!source.includes(from)) throw new Error(`${name}: ${args.path} no longer has \`${from}\``);
          source = source.replace(from, to);
        }
        return { contents: source, loader: 'js' };
      });
    },
  };
}

/**
 * `@actions/core` imports its OIDC client, and through it @actions/http-client and undici (about 420 KB), only for
 * `getIDToken`: this makes that import lazy, so an action loads them only when it asks for an ID token (OIDC
 * sign-in).
 */
const lazyActionsOidc = rewriteSource('lazy-actions-oidc', /[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/, [
  [
    "import { OidcClient } from './oidc-utils.js';",
    'const OidcClient = { getIDToken: async (audience) => ' +
      "(await import('./oidc-utils.js')).OidcClient.getIDToken(audience) };",
  ],
]);

/**
 * The Azure SDKs' HTTP pipeline asks, for every request, whether the body is a native FormData with
 * `typeof FormData !== "undefined" && body instanceof FormData`. Reading the global `FormData` makes Node load its
 * built-in undici (fetch, about 35 ms of CPU), before the first token request. A FormData body only exists once
 * undici is loaded, and it says so in its `Symbol.toStringTag`: checked first, the global is read only for a body
 * that may be one, and the original test still decides.
 */
const formDataCheckWithoutUndici = rewriteSource(
  'form-data-check-without-undici',
  /[\\/]@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/]formData\.js$/,
  [
    [
      'if (typeof FormData !== "undefined" && body instanceof FormData) {',
      'if (body?.[Symbol.toStringTag] === "FormData" && typeof FormData !== "undefined" && body instanceof FormData) {',
    ],
  ],
);

/**
 * The pipeline gives each request an id from the global `crypto.randomUUID()`: reading the global `crypto` makes
 * Node load Web Crypto (about 30 ms of CPU before the first token request). `node:crypto`'s `randomUUID` is the
 * function Web Crypto's calls (same RFC 4122 v4 ids from the same source), without loading Web Crypto.
 */
const requestIdWithoutWebCrypto = rewriteSource(
  'request-id-without-web-crypto',
  /[\\/]@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/]util[\\/]uuidUtils\.js$/,
  [
    [
      'export function randomUUID() {',
      'import { randomUUID as nodeRandomUUID } from "node:crypto";\nexport function randomUUID() {',
    ],
    ['return crypto.randomUUID();', 'return nodeRandomUUID();'],
  ],
);

/**
 * azure-pipelines-task-lib loads at start, with the tool runner (q, child_process, its output filter) and its
 * message table, which the tasks never use: they read inputs, variables and endpoints and write commands. These load
 * at their first use instead (a task that runs a tool or shows a library message still gets them, unchanged): each
 * module object becomes a proxy that requires the module at the first member read, and the two exports read from
 * them at the top level getters.
 */
const lazyRequire =
  'function __lazyRequire(load) { return new Proxy({}, { get: (_, key) => load()[key] }); }';
const lazyTaskLibParts = [
  rewriteSource('lazy-task-lib-task', /[\\/]azure-pipelines-task-lib[\\/]task\.js$/, [
    [
      'var childProcess = require("child_process");',
      `${lazyRequire}\nvar childProcess = __lazyRequire(() => require("child_process"));`,
    ],
    ['var trm = require("./toolrunner");', 'var trm = __lazyRequire(() => require("./toolrunner"));'],
    ['var eom = require("./externaloutput");', 'var eom = __lazyRequire(() => require("./externaloutput"));'],
    [
      'exports.ToolRunner = trm.ToolRunner;',
      'Object.defineProperty(exports, "ToolRunner", { enumerable: true, get: () => trm.ToolRunner });',
    ],
    [
      'exports.defaultAllowedVsoCommands = eom.defaultAllowedVsoCommands;',
      'Object.defineProperty(exports, "defaultAllowedVsoCommands", { enumerable: true, get: () => eom.defaultAllowedVsoCommands });',
    ],
  ]),
  rewriteSource('lazy-task-lib-messages', /[\\/]azure-pipelines-task-lib[\\/]internal\.js$/, [
    ["var libResource = require('./lib-resource');", ''],
    [
      '_loadEmbeddedLocStrings(libResource, _resourceCulture)',
      "_loadEmbeddedLocStrings(require('./lib-resource'), _resourceCulture)",
    ],
  ]),
];

/**
 * Node's built-in modules, imported (statically or with `import()`) by ES module code, load through `require` instead. An ES `import` of a
 * built-in reads every one of its exports to build the module namespace, which runs the lazy getters Node keeps
 * for what is rarely used: on Node 24, `node:http` then loads undici (for `http.WebSocket`), `node:fs` the fs
 * watchers, readline and fs/promises, `node:util` and `node:process` the streams (about 70 internal modules, some
 * 20-40 ms of a step's start-up). `require` returns the module object and leaves its getters alone. Each such import
 * becomes a tiny CommonJS module that requires the built-in, which esbuild's usual CommonJS interop turns back into
 * the default and named imports the code asked for.
 */
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(esbuild) {
    const names = builtinModules.filter((name) => !name.startsWith('_'));
    const filter = new RegExp(`^(node:)?(${names.join('|')})$`);
    esbuild.onResolve({ filter }, (args) =>
      args.kind === 'import-statement' || args.kind === 'dynamic-import'
        ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin-require' }
        : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
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
  plugins: [
    lazyActionsOidc,
    ...lazyTaskLibParts,
    formDataCheckWithoutUndici,
    requestIdWithoutWebCrypto,
    builtinsThroughRequire,
  ],
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
