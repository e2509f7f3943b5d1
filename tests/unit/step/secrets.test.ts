import { SecretRegistry } from '../../../shared/src/step/secrets';
import type { LoggerPort } from '../../../shared/src/platform/ports';

function registry() {
  const masked: string[] = [];
  const logger = { mask: (secret: string) => void masked.push(secret) } as unknown as LoggerPort;
  return { secrets: new SecretRegistry(logger), masked };
}

describe('SecretRegistry', () => {
  test('masks a value once and redacts it, longest first', () => {
    const { secrets, masked } = registry();
    secrets.add('s3cr3t-value');
    secrets.add('s3cr3t-value');
    secrets.add('s3cr3t');
    expect(masked).toEqual(['s3cr3t-value', 's3cr3t']);
    expect(secrets.redact('a s3cr3t-value and s3cr3t')).toBe('a *** and ***');
  });

  test('ignores values too short to mask', () => {
    const { secrets, masked } = registry();
    secrets.add('abc');
    expect(masked).toEqual([]);
    expect(secrets.redact('abc')).toBe('abc');
  });

  test('a multi-line secret (a PEM key) is masked and redacted line by line, as hosts mask', () => {
    const { secrets, masked } = registry();
    const pem =
      '-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
    secrets.add(pem);
    expect(masked).toEqual([
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkq',
      'hkiG9w0BAQEFAASC',
      '-----END PRIVATE KEY-----',
    ]);
    expect(masked.some((m) => /[\r\n]/.test(m))).toBe(false);
    expect(secrets.redact(`key:\n${pem}`)).toBe('key:\n***\r\n***\n***\n***\n');
  });
});
