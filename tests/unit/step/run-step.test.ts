import { readFileSync } from 'node:fs';
import { RestError } from '@azure/core-rest-pipeline';
import { toAzureError } from '../../../shared/src/azure/errors';
import { defineStep, type StepContext, type StepEnding } from '../../../shared/src/step/define';
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
  branding: { icon: 'box', color: 'gray-dark' },
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

interface ExampleReport {
  notes: string[];
  echoed?: string;
}

/** A step with a report: its notes become the summary section, the ending is rendered too. */
function reportingStep(
  run: (
    config: { target: string; key?: string },
    context: StepContext,
    report: ExampleReport,
  ) => Promise<void>,
  renders: StepEnding[] = [],
) {
  return defineStep({
    manifest,
    parse: (inputs) => ({ target: inputs.requiredString('target'), key: inputs.string('apiKey') }),
    report: {
      start: (config): ExampleReport => ({ notes: [`target ${config.target}`] }),
      render: (report, ending) => {
        renders.push(ending);
        return {
          summary: [...report.notes, `ended ${ending.result}: ${ending.message ?? ''}`].join('\n'),
          evidence: { notes: report.notes, ...(report.echoed ? { echoed: report.echoed } : {}) },
        };
      },
    },
    run: async (config, context, report) => {
      await run(config, context, report);
      return { result: 'succeeded', message: 'all done' };
    },
  });
}

function evidenceOf(platform: ReturnType<typeof memoryPlatform>): {
  result: string;
  details: Record<string, unknown>;
} {
  return JSON.parse(readFileSync(platform.recorded.outputs.evidencePath!, 'utf8'));
}

/** One summary and one evidence record, each holding the step's rendered report. */
function expectReportedOnce(
  platform: ReturnType<typeof memoryPlatform>,
  result: string,
  heading: string,
  section: string,
  notes: string[],
): void {
  expect(platform.recorded.summaries).toHaveLength(1);
  expect(platform.recorded.summaries[0]).toContain(heading);
  expect(platform.recorded.summaries[0]).toContain(section);
  expect(evidenceOf(platform)).toMatchObject({ result, details: { notes } });
}

describe('runStep', () => {
  it('masks secret inputs before the step runs and redacts them everywhere we write', async () => {
    const platform = memoryPlatform({ target: 't', apiKey: 'sk-live-1234567890' });
    let maskedBeforeRun: string[] = [];
    const result = await runStep(
      reportingStep(async (config, context, report) => {
        maskedBeforeRun = [...platform.recorded.masked];
        report.notes.push(`called with ${config.key}`);
        report.echoed = config.key;
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

  describe('writes the step report once, however the run ends', () => {
    it('on success', async () => {
      const platform = memoryPlatform({ target: 't' });
      const renders: StepEnding[] = [];
      const result = await runStep(
        reportingStep(async (_config, _context, report) => void report.notes.push('step one'), renders),
        platform,
        { signal: never },
      );
      expect(result).toBe('succeeded');
      expect(renders).toEqual([{ result: 'succeeded', message: 'all done' }]);
      expect(platform.recorded.summaries).toHaveLength(1);
      expect(platform.recorded.summaries[0]).toBe(
        '## Example step: ✅ succeeded\n\ntarget t\nstep one\nended succeeded: all done\n',
      );
      expect(evidenceOf(platform)).toMatchObject({
        result: 'succeeded',
        details: { notes: ['target t', 'step one'] },
      });
    });

    it('on a thrown failure, with what was done before it and the error', async () => {
      const platform = memoryPlatform({ target: 't' });
      const renders: StepEnding[] = [];
      const failure = new AssertionFailure('step two broke');
      const result = await runStep(
        reportingStep(async (_config, _context, report) => {
          report.notes.push('step one');
          throw failure;
        }, renders),
        platform,
        { signal: never },
      );
      expect(result).toBe('failed');
      expect(renders).toEqual([{ result: 'failed', message: 'step two broke', error: failure }]);
      expectReportedOnce(platform, 'failed', '❌ failed', 'step one\nended failed: step two broke', [
        'target t',
        'step one',
      ]);
    });

    it('on cancellation during the run', async () => {
      const controller = new AbortController();
      const platform = memoryPlatform({ target: 't' });
      const renders: StepEnding[] = [];
      const result = await runStep(
        reportingStep(
          (_config, context, report) =>
            new Promise((_resolve, reject) => {
              report.notes.push('waiting');
              context.signal.addEventListener('abort', () => reject(new Error('socket hang up')));
              setTimeout(() => controller.abort(), 5);
            }),
          renders,
        ),
        platform,
        { signal: controller.signal },
      );
      expect(result).toBe('cancelled');
      expect(renders).toHaveLength(1);
      expect(renders[0]).toMatchObject({ result: 'cancelled', message: 'The run was cancelled.' });
      expectReportedOnce(
        platform,
        'cancelled',
        '⏹️ cancelled',
        'waiting\nended cancelled: The run was cancelled.',
        ['target t', 'waiting'],
      );
    });

    it('not at all when the inputs are invalid: only the result is written', async () => {
      const platform = memoryPlatform({});
      const renders: StepEnding[] = [];
      expect(
        await runStep(
          reportingStep(async () => undefined, renders),
          platform,
          { signal: never },
        ),
      ).toBe('failed');
      expect(renders).toEqual([]);
      expect(platform.recorded.summaries).toHaveLength(1);
      expect(evidenceOf(platform).details).toEqual({});
    });
  });

  describe('shows the error under ours (its cause) in debug mode only', () => {
    const sdkError = () =>
      new RestError('The subscription was not found.', { statusCode: 404, code: 'SubscriptionNotFound' });
    const failing = () =>
      stepThat(async () => Promise.reject(toAzureError(sdkError(), { operation: 'Reading workspace' })));

    it('in debug mode: name, message, code, status and stack of the cause', async () => {
      const platform = memoryPlatform({ target: 't' }, { debug: true });
      await runStep(failing(), platform, { signal: never });
      const message = platform.recorded.logs.find((l) => l.level === 'error')?.message ?? '';
      expect(message).toMatch(/^Reading workspace failed: The subscription was not found\. /);
      expect(message).toContain(
        '\nCaused by: RestError: The subscription was not found. (code SubscriptionNotFound, HTTP 404)\n',
      );
      expect(message).toMatch(/Caused by: .*\n\s+at /);
    });

    it('without debug mode: our message only', async () => {
      const platform = memoryPlatform({ target: 't' });
      await runStep(failing(), platform, { signal: never });
      const message = platform.recorded.logs.find((l) => l.level === 'error')?.message ?? '';
      expect(message).toMatch(/^Reading workspace failed: The subscription was not found\./);
      expect(message).not.toContain('Caused by');
      expect(message).not.toContain('\n');
    });

    it('redacts secrets in the cause too', async () => {
      const platform = memoryPlatform({ target: 't', apiKey: 'sk-live-1234567890' }, { debug: true });
      await runStep(
        stepThat(async () =>
          Promise.reject(
            new DataError('cannot read', undefined, { cause: new Error('key sk-live-1234567890') }),
          ),
        ),
        platform,
        { signal: never },
      );
      const message = platform.recorded.logs.find((l) => l.level === 'error')?.message ?? '';
      expect(message).toContain('Caused by: Error: key ***');
      expect(message).not.toContain('sk-live-1234567890');
    });
  });
});
