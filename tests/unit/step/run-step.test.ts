import { readFileSync } from 'node:fs';
import { defineStep, type StepContext } from '../../../shared/src/step/define';
import { AssertionFailure, AzureError, DataError, InputError } from '../../../shared/src/step/errors';
import type { StepManifest } from '../../../shared/src/step/manifest';
import { runStep } from '../../../shared/src/step/run-step';
import { memoryPlatform } from '../../harness/memory-platform';

const manifest: StepManifest = {
  id: 'example',
  taskName: 'AzureMLExample',
  taskId: '00000000-0000-4000-8000-000000000000',
  friendlyName: 'Example step',
  description: 'Example',
  category: 'Test',
  instanceNameFormat: 'Example',
  groups: [],
  inputs: [
    { name: 'target', label: 'Target', type: 'string', required: true, help: 'Target.' },
    { name: 'apiKey', label: 'Key', type: 'string', secret: true, help: 'Key.' },
  ],
  outputs: [
    { name: 'answer', description: 'Answer.' },
    { name: 'token', description: 'Token.', secret: true },
    { name: 'evidencePath', description: 'Evidence.' },
  ],
};

const never = new AbortController().signal;

function stepThat(
  run: (config: { target: string; key?: string }, context: StepContext) => Promise<void | 'issues'>,
) {
  return defineStep({
    manifest,
    parse: (inputs) => {
      const target = inputs.requiredString('target');
      if (target === 'invalid') throw new InputError('target', "Input 'target' must not be 'invalid'.");
      return { target, key: inputs.string('apiKey') };
    },
    run: async (config, context) =>
      (await run(config, context)) === 'issues'
        ? { result: 'succeededWithIssues', message: 'slow' }
        : { result: 'succeeded' },
  });
}

describe('runStep', () => {
  it('masks secret inputs before the step runs and redacts them everywhere we write', async () => {
    const platform = memoryPlatform({ target: 't', apiKey: 'sk-live-1234567890' });
    let maskedBeforeRun: string[] = [];
    const result = await runStep(
      stepThat(async (config, context) => {
        maskedBeforeRun = [...platform.recorded.masked];
        context.appendSummary(`called with ${config.key}`);
        context.recordEvidence({ echoed: config.key });
        context.setOutput('answer', `key was ${config.key}`);
      }),
      platform,
      { signal: never },
    );
    expect(result).toBe('succeeded');
    expect(maskedBeforeRun).toEqual(['sk-live-1234567890']);
    expect(platform.recorded.outputs.answer).toBe('key was ***');
    expect(platform.recorded.summaries.join()).not.toContain('sk-live-1234567890');
    const evidence = readFileSync(platform.recorded.outputs.evidencePath!, 'utf8');
    expect(evidence).not.toContain('sk-live-1234567890');
    expect(JSON.parse(evidence)).toMatchObject({
      schema: 'azureml-pipeline-steps/evidence/v1',
      step: 'example',
      result: 'succeeded',
      inputs: { target: 't', apiKey: '***' },
      details: { echoed: '***' },
    });
  });

  it('sets secret outputs as secrets and masks them', async () => {
    const platform = memoryPlatform({ target: 't' });
    await runStep(
      stepThat(async (_config, context) => context.setOutput('token', 'tok-abcdef')),
      platform,
      { signal: never },
    );
    expect(platform.recorded.secretOutputs).toEqual({ token: 'tok-abcdef' });
    expect(platform.recorded.outputs.token).toBeUndefined();
    expect(platform.recorded.masked).toContain('tok-abcdef');
  });

  it('fails on invalid inputs without running the step', async () => {
    const platform = memoryPlatform({ target: 'invalid' });
    let ran = false;
    const result = await runStep(
      stepThat(async () => void (ran = true)),
      platform,
      { signal: never },
    );
    expect(ran).toBe(false);
    expect(result).toBe('failed');
    expect(platform.recorded.logs).toContainEqual({
      level: 'error',
      message: "Input 'target' must not be 'invalid'.",
      location: undefined,
    });
  });

  it.each([
    [
      new DataError('cases.yml: unknown key', { file: 'cases.yml', line: 3, column: 5 }),
      'cases.yml:3:5: cases.yml: unknown key',
    ],
    [
      new AzureError('Workspace not found.', 'ResourceNotFound', 404, 'abc-123'),
      'Workspace not found. (code ResourceNotFound, HTTP 404, correlation id abc-123)',
    ],
    [new AssertionFailure("case 'x' failed"), "case 'x' failed"],
    [new TypeError('boom'), 'Unexpected error: boom'],
  ])('turns %p into one clear message', async (error, message) => {
    const platform = memoryPlatform({ target: 't' });
    const result = await runStep(
      stepThat(async () => Promise.reject(error)),
      platform,
      { signal: never },
    );
    expect(result).toBe('failed');
    expect(platform.recorded.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      message,
    ]);
    expect(platform.recorded.summaries[0]).toContain('❌ failed');
  });

  it('passes the location of a file error to the host, for annotations', async () => {
    const platform = memoryPlatform({ target: 't' });
    await runStep(
      stepThat(async () => Promise.reject(new DataError('bad', { file: 'c.yml', line: 2, column: 1 }))),
      platform,
      { signal: never },
    );
    expect(platform.recorded.logs.find((l) => l.level === 'error')?.location).toEqual({
      file: 'c.yml',
      line: 2,
      column: 1,
    });
  });

  it('shows stacks of unexpected errors only in debug mode', async () => {
    const platform = memoryPlatform({ target: 't' }, { debug: true });
    await runStep(
      stepThat(async () => Promise.reject(new TypeError('boom'))),
      platform,
      { signal: never },
    );
    expect(platform.recorded.logs.find((l) => l.level === 'error')?.message).toMatch(
      /Unexpected error: boom\nTypeError: boom\n\s+at /,
    );
  });

  it('reports succeeded-with-issues with its message', async () => {
    const platform = memoryPlatform({ target: 't' });
    expect(
      await runStep(
        stepThat(async () => 'issues'),
        platform,
        { signal: never },
      ),
    ).toBe('succeededWithIssues');
    expect(platform.recorded.result).toBe('succeededWithIssues');
    expect(platform.recorded.logs).toContainEqual({ level: 'warning', message: 'slow', location: undefined });
  });

  it('turns cancellation into a cancelled result, whatever error the aborted work threw', async () => {
    const controller = new AbortController();
    const platform = memoryPlatform({ target: 't' });
    const result = await runStep(
      stepThat(
        (_config, context) =>
          new Promise((_resolve, reject) => {
            context.signal.addEventListener('abort', () => reject(new Error('socket hang up')));
            controller.abort();
          }),
      ),
      platform,
      { signal: controller.signal },
    );
    expect(result).toBe('cancelled');
    expect(platform.recorded.result).toBe('cancelled');
  });

  it('refuses outputs the manifest does not declare', async () => {
    const platform = memoryPlatform({ target: 't' });
    await runStep(
      stepThat(async (_c, context) => context.setOutput('undeclared', 'x')),
      platform,
      { signal: never },
    );
    expect(platform.recorded.result).toBe('failed');
    expect(platform.recorded.logs.find((l) => l.level === 'error')?.message).toMatch(/does not declare/);
  });
});
