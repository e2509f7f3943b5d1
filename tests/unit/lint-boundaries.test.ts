/**
 * The import boundaries of eslint.config.mjs (docs/architecture.md): step folders do not import each other, host
 * libraries stay in shared/src/platform/, product code does not import the tests or the emulator. Planted imports
 * are linted with the repository's own configuration through ESLint's Node API.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');

interface Planted {
  /** Where the planted file would be, relative to the repository root. */
  readonly file: string;
  readonly from: string;
}

interface LintMessage {
  readonly ruleId: string | null;
  readonly message: string;
}

// ESLint loads eslint.config.mjs with a dynamic import, which jest's module sandbox does not allow: lint in node.
const LINT_PLANTED = `
import { ESLint } from 'eslint';
const eslint = new ESLint({ cwd: process.cwd() });
const messages = [];
for (const { file, from } of JSON.parse(process.env.PLANTED)) {
  const code = \`import { planted } from '\${from}';\\nexport const used = planted;\\n\`;
  const [result] = await eslint.lintText(code, { filePath: file });
  messages.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(messages));
`;

function lintPlanted(planted: readonly Planted[]): LintMessage[][] {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_PLANTED], {
    cwd: repoRoot,
    env: { ...process.env, PLANTED: JSON.stringify(planted) },
    encoding: 'utf8',
  });
  return JSON.parse(output) as LintMessage[][];
}

const refused: Planted[] = [
  { file: 'shared/src/steps/deploy/planted.ts', from: '../train/config' },
  { file: 'shared/src/steps/deploy/spec/planted.ts', from: '../../register-model/model-types' },
  { file: 'shared/src/steps/register-model/planted.ts', from: '../train/job-spec' },
  { file: 'shared/src/steps/smoke-test/planted.ts', from: '../../steps/deploy/online' },
  { file: 'shared/src/steps/drift-check/planted.ts', from: '../index' },
  { file: 'shared/src/steps/deploy/planted.ts', from: 'azure-pipelines-task-lib/task' },
  { file: 'shared/src/step/planted.ts', from: '@actions/core' },
  { file: 'shared/src/steps/deploy/planted.ts', from: '../../../tests/harness/run-bundle' },
  { file: 'shared/src/azureml/planted.ts', from: '../../tests/emulator/start' },
  { file: 'shared/src/platform/planted.ts', from: '../../../tests/harness/run-bundle' },
  { file: 'tasks/AzureMLDeployV1/planted.ts', from: '../../emulator/start' },
  { file: 'actions/train/planted.ts', from: '../../tests/emulator/start' },
];

const allowed: Planted[] = [
  { file: 'shared/src/steps/deploy/planted.ts', from: '../../azureml/resolve-references' },
  { file: 'shared/src/steps/deploy/planted.ts', from: '../common-inputs' },
  { file: 'shared/src/steps/deploy/spec/planted.ts', from: '../../workspace-inputs' },
  { file: 'shared/src/steps/deploy/planted.ts', from: './online' },
  { file: 'shared/src/steps/register-model/planted.ts', from: '../../step/errors' },
  { file: 'shared/src/platform/planted.ts', from: 'azure-pipelines-task-lib/task' },
  { file: 'shared/src/platform/planted.ts', from: '@actions/core' },
  { file: 'tests/unit/planted.test.ts', from: '../emulator/start' },
  { file: 'tests/unit/planted.test.ts', from: '../../shared/src/steps/train/config' },
];

describe('import boundaries (eslint.config.mjs)', () => {
  let refusedResults: LintMessage[][];
  let allowedResults: LintMessage[][];
  beforeAll(() => {
    const results = lintPlanted([...refused, ...allowed]);
    refusedResults = results.slice(0, refused.length);
    allowedResults = results.slice(refused.length);
  });

  test.each(refused.map((planted, i) => [planted.file, planted.from, i] as const))(
    '%s may not import %s',
    (_file, _from, i) => {
      const messages = refusedResults[i]!;
      expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
      expect(messages[0]!.message).toContain('docs/architecture.md');
    },
  );

  test.each(allowed.map((planted, i) => [planted.file, planted.from, i] as const))(
    '%s may import %s',
    (_file, _from, i) => {
      expect(allowedResults[i]).toEqual([]);
    },
  );

  test('the messages say what to do instead', () => {
    const messageFor = (from: string) =>
      refusedResults[refused.findIndex((p) => p.from === from)]![0]!.message;
    expect(messageFor('../train/config')).toMatch(
      /shared\/src\/steps\/deploy\/ does not import another step: move what several steps use into a shared layer/,
    );
    expect(messageFor('../../emulator/start')).toMatch(/never imports the tests or the emulator/);
    expect(messageFor('@actions/core')).toMatch(/Host libraries belong in shared\/src\/platform\//);
  });
});
