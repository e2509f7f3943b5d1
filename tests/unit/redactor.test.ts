import { redactDeep, redactForms, secretForms } from '../../shared/src/step/redactor';
import { redactingPlatform, SecretRegistry } from '../../shared/src/step/secrets';
import { memoryPlatform } from '../harness/memory-platform';
import { countCanaryHits, newCanary } from '../reliability/canary';

const logger = { mask: () => undefined } as never;

function registryWith(secret: string): SecretRegistry {
  const registry = new SecretRegistry(logger);
  registry.add(secret);
  return registry;
}

describe('the redactor', () => {
  const secret = newCanary('unit');
  const registry = registryWith(secret);

  it.each([
    ['plain', secret],
    ['JSON-escaped', JSON.stringify({ key: secret })],
    ['URL-encoded', `https://x/?k=${encodeURIComponent(secret)}&y=${encodeURI(secret)}`],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64 inside a longer encoded text', Buffer.from(`Bearer ${secret}!`).toString('base64')],
    ['base64url at another alignment', Buffer.from(`ab${secret}`).toString('base64url')],
    ['HTML-escaped', secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')],
    ['a markdown cell', secret.replace(/\|/g, '\\|')],
  ])('hides the %s form', (_, text) => {
    const redacted = registry.redact(`before ${text} after`);
    expect(redacted).toContain('***');
    expect(countCanaryHits(redacted, [secret])).toBe(0);
  });

  it('hides 8 or more characters of a secret next to a cut, and leaves fewer', () => {
    expect(registry.redact(`answer: Bearer ${secret.slice(0, 12)}…`)).toBe('answer: Bearer ***…');
    expect(registry.redact(`${secret.slice(-10)} rest`)).toBe('*** rest');
    expect(registry.redact(`tail ${secret.slice(0, 12)}`)).toBe('tail ***');
    expect(registry.redact(`tail ${secret.slice(0, 7)}…`)).toBe(`tail ${secret.slice(0, 7)}…`);
    // Not at a cut: an ordinary text that happens to hold a piece of a secret is left alone.
    expect(registry.redact(`x ${secret.slice(0, 12)} y`)).toBe(`x ${secret.slice(0, 12)} y`);
  });

  it('knows no forms shorter than 4 characters and leaves text without secrets untouched', () => {
    expect(secretForms('abcd').every((form) => form.length >= 4)).toBe(true);
    expect(redactForms('nothing to hide…', [])).toBe('nothing to hide…');
  });

  it('redacts every string of plain objects and arrays, keeping other objects as they are', () => {
    const when = new Date(0);
    const value = { a: [secret, { b: `x${secret}` }], when, n: 1 };
    expect(redactDeep(value, (text) => registry.redact(text))).toEqual({
      a: ['***', { b: 'x***' }],
      when,
      n: 1,
    });
  });
});

describe('the redacting platform', () => {
  it('redacts warnings and errors, then cuts them to a bounded annotation: no piece of a secret at the cut', () => {
    const host = memoryPlatform({});
    const secrets = new SecretRegistry(host.logger);
    const canary = newCanary('spn');
    secrets.add(canary);
    const platform = redactingPlatform(host, secrets);
    // The secret sits exactly where a cut of the raw text would fall.
    const line = `${'x'.repeat(995)}${canary}${'y'.repeat(1_000_000)}`;
    platform.logger.warning(line);
    platform.logger.error(`header: ${line}`);
    platform.result.complete('failed', line);
    const written = [...host.recorded.logs.map((log) => log.message), host.recorded.resultMessage ?? ''];
    for (const message of written) expect(message.length).toBeLessThan(5_000);
    expect(countCanaryHits(written.join('\n'), [canary])).toBe(0);
    expect(host.recorded.resultMessage).toBeDefined();
  });
});
