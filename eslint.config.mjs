// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const hostLibraries = {
  patterns: [
    {
      // @actions/workflow-parser is a test tool (it checks the example workflow), not a host library.
      group: [
        'azure-pipelines-task-lib',
        'azure-pipelines-task-lib/*',
        '@actions/*',
        '!@actions/workflow-parser',
      ],
      message: 'Host libraries belong in shared/src/platform/ only (the platform seam, DESIGN.md §3).',
    },
  ],
};

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
      'no-restricted-imports': ['error', hostLibraries],
    },
  },
  {
    files: ['shared/src/platform/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
