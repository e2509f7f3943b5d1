import type { LoggerPort } from '../platform/ports';

/** Every secret of a run: masked by the host as soon as it is known, and redacted from the files we write. */
export class SecretRegistry {
  private readonly values = new Set<string>();

  constructor(private readonly logger: LoggerPort) {}

  add(value: string): void {
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
