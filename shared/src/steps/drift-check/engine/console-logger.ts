import type { LoggerPort } from '../../../platform/ports';

/** The job's log: stdout, with warnings and errors marked as the Azure ML log shows them. */
export function consoleLogger(): LoggerPort {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  return {
    info: write,
    debug: () => undefined,
    warning: (message) => write(`WARNING: ${message}`),
    error: (message) => process.stderr.write(`ERROR: ${message}\n`),
    startGroup: (title) => write(`--- ${title}`),
    endGroup: () => undefined,
    mask: () => undefined,
    isDebug: false,
  };
}
