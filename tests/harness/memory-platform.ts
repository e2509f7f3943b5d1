import { scratchFolder } from './scratch-folders';
import type { Platform, StepResult } from '../../shared/src/platform/ports';
import type { SourceLocation } from '../../shared/src/step/errors';

/** An in-memory host for unit tests of runStep: records everything a step tells its host. */
export interface MemoryPlatform extends Platform {
  readonly recorded: {
    outputs: Record<string, string>;
    secretOutputs: Record<string, string>;
    logs: {
      level: 'info' | 'debug' | 'warning' | 'error' | 'group';
      message: string;
      location?: SourceLocation;
    }[];
    masked: string[];
    summaries: string[];
    result?: StepResult;
    resultMessage?: string;
  };
}

export function memoryPlatform(
  inputs: Record<string, string>,
  options: { debug?: boolean } = {},
): MemoryPlatform {
  const recorded: MemoryPlatform['recorded'] = {
    outputs: {},
    secretOutputs: {},
    logs: [],
    masked: [],
    summaries: [],
  };
  return {
    recorded,
    inputs: { get: (name) => inputs[name] },
    outputs: {
      set: (name, value) => void (recorded.outputs[name] = value),
      setSecret: (name, value) => void (recorded.secretOutputs[name] = value),
    },
    logger: {
      info: (message) => void recorded.logs.push({ level: 'info', message }),
      debug: (message) => void recorded.logs.push({ level: 'debug', message }),
      warning: (message, location) => void recorded.logs.push({ level: 'warning', message, location }),
      error: (message, location) => void recorded.logs.push({ level: 'error', message, location }),
      startGroup: (message) => void recorded.logs.push({ level: 'group', message }),
      endGroup: () => undefined,
      mask: (secret) => void recorded.masked.push(secret),
      isDebug: options.debug ?? false,
    },
    summary: { publish: async (markdown) => void recorded.summaries.push(markdown) },
    state: { get: () => undefined, set: () => undefined },
    environment: {
      host: 'github',
      workspaceDir: process.cwd(),
      tempDir: scratchFolder('memory-platform-'),
    },
    identity: {},
    result: {
      complete: (result, message) => {
        recorded.result = result;
        recorded.resultMessage = message;
      },
    },
  };
}
