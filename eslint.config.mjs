// @ts-check
import { readdirSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Import boundaries (docs/architecture.md). ESLint replaces a rule's options when several blocks set it, so every
// block that sets no-restricted-imports lists all the patterns that apply to its files.

/** @typedef {{ group?: string[], regex?: string, message: string }} ImportPattern */

/** @type {ImportPattern} */
const hostLibraries = {
  // @actions/workflow-parser is a test tool (it checks the example workflow), not a host library.
  group: [
    'azure-pipelines-task-lib',
    'azure-pipelines-task-lib/*',
    '@actions/*',
    '!@actions/workflow-parser',
  ],
  message: 'Host libraries belong in shared/src/platform/ only (the platform seam, docs/architecture.md).',
};

/** @type {ImportPattern} */
const testsAndEmulator = {
  regex: String.raw`^\.{1,2}/(.*/)?(tests|emulator)(/|$)`,
  message:
    'Product code (shared/, tasks/, actions/) never imports the tests or the emulator: move what both need into ' +
    'shared/src (see docs/architecture.md).',
};

/** The step folders: shared/src/steps/<id>/. */
const stepIds = readdirSync(path.join(import.meta.dirname, 'shared/src/steps'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * A step folder never imports another step folder, nor the tables of every step (steps/index.ts, manifests.ts);
 * what several steps use lives in a shared layer or in steps/common-inputs.ts and steps/workspace-inputs.ts.
 * @param {string} id
 * @returns {ImportPattern}
 */
function otherSteps(id) {
  const others = [...stepIds.filter((other) => other !== id), 'index', 'manifests'];
  return {
    regex: String.raw`^(\.\./)+(steps/)?(${others.join('|')})(/|$)`,
    message:
      `Code in shared/src/steps/${id}/ does not import another step: move what several steps use into a shared ` +
      'layer (shared/src/azureml/, shared/src/step/, ...) or steps/common-inputs.ts / steps/workspace-inputs.ts ' +
      '(see docs/architecture.md).',
  };
}

/** @param {ImportPattern[]} patterns */
const restrictImports = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const productCode = ['shared/**', 'tasks/**', 'actions/**'];

export default tseslint.config(
  { ignores: ['**/dist/**', 'out/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      ...restrictImports([hostLibraries]),
    },
  },
  { files: productCode, rules: restrictImports([hostLibraries, testsAndEmulator]) },
  ...stepIds.map((id) => ({
    files: [`shared/src/steps/${id}/**`],
    rules: restrictImports([hostLibraries, testsAndEmulator, otherSteps(id)]),
  })),
  // No function in shared/src over 80 lines (blank lines and comments not counted); an exception is disabled in
  // place with its reason.
  {
    files: ['shared/src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  // The platform seam is where host libraries are used.
  { files: ['shared/src/platform/**'], rules: restrictImports([testsAndEmulator]) },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
