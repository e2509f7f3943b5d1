import { boundText } from './bound-text';
import type { LoggerPort, Platform } from '../platform/ports';
import { redactForms, secretForms } from './redactor';

/**
 * Every secret of a run: masked by the host as soon as it is known, and redacted, in every escaped, encoded or cut
 * form, from everything the step prints or writes (see `redactor.ts`).
 */
export class SecretRegistry {
  private readonly values = new Set<string>();
  /** Every form of every secret, longest first, so a secret that contains another is replaced whole. */
  private forms: string[] = [];

  constructor(private readonly logger: LoggerPort) {}

  add(value: string): void {
    // Hosts mask line by line (Azure Pipelines refuses a multi-line secret): a PEM key is registered per line.
    if (/[\r\n]/.test(value)) {
      for (const line of value.split(/\r?\n|\r/)) this.add(line.trim());
      return;
    }
    // Very short values would redact ordinary text everywhere; hosts ignore them too.
    if (value.length < 4 || this.values.has(value)) return;
    this.values.add(value);
    this.forms = [...new Set([...this.forms, ...secretForms(value)])].sort((a, b) => b.length - a.length);
    this.logger.mask(value);
  }

  redact(text: string): string {
    return redactForms(text, this.forms);
  }
}

/**
 * The host's ports with every text that leaves through them redacted first: log lines, annotations, group titles,
 * outputs, the summary and the result message. runStep hands the steps only this platform, so no step can print a
 * secret by forgetting to redact. Masking and secret outputs carry secrets to the host on purpose and pass as they are.
 */
export function redactingPlatform(platform: Platform, secrets: SecretRegistry): Platform {
  const redact = (text: string) => secrets.redact(text);
  const { logger, outputs, summary, result } = platform;
  return {
    ...platform,
    logger: {
      info: (message) => logger.info(redact(message)),
      debug: (message) => logger.debug(redact(message)),
      // Annotations carry a bounded text (a 1 MB line in a warning would be a 1 MB annotation), cut after redaction.
      warning: (message, location) => logger.warning(boundText(redact(message)), location),
      error: (message, location) => logger.error(boundText(redact(message)), location),
      startGroup: (title) => logger.startGroup(redact(title)),
      endGroup: () => logger.endGroup(),
      mask: (secret) => logger.mask(secret),
      get isDebug() {
        return logger.isDebug;
      },
    },
    outputs: {
      set: (name, value) => outputs.set(name, redact(value)),
      setSecret: (name, value) => outputs.setSecret(name, value),
    },
    summary: { publish: (markdown) => summary.publish(redact(markdown)) },
    result: {
      complete: (ending, message) =>
        result.complete(ending, message === undefined ? undefined : boundText(redact(message))),
    },
  };
}
