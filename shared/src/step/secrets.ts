import type { LoggerPort } from '../platform/ports';

/** Every secret of a run: masked by the host as soon as it is known, and redacted from the files we write. */
export class SecretRegistry {
  private readonly values = new Set<string>();

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
    this.logger.mask(value);
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.values].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join('***');
    }
    return result;
  }
}
