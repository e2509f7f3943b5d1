import type { LoggerPort } from '../platform/ports';

/**
 * Runs one named phase of a step inside its own log group, closed whatever happens. Hosts do not nest groups:
 * a phase must not open one itself.
 */
export async function inPhase<T>(logger: LoggerPort, title: string, work: () => Promise<T>): Promise<T> {
  logger.startGroup(title);
  try {
    return await work();
  } finally {
    logger.endGroup();
  }
}
