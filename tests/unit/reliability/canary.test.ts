import { canaryForms, countCanaryHits, newCanary } from '../../reliability/canary';
import { isUnexpectedError } from '../../reliability/probe';

describe('canary detection (the reliability suite counts leaks with it)', () => {
  const canary = newCanary('key');

  it('finds the plain, escaped, encoded and base64 forms of a canary', () => {
    for (const form of canaryForms(canary)) {
      expect(countCanaryHits(`before ${form} after`, [canary])).toBeGreaterThan(0);
    }
    expect(canaryForms(canary).length).toBeGreaterThanOrEqual(6);
  });

  it('finds a canary cut at a quote limit (its first half) and its tail', () => {
    expect(countCanaryHits(`"${canary.slice(0, canary.length / 2 + 1)}…`, [canary])).toBe(1);
    expect(countCanaryHits(`…${canary.slice(-(canary.length / 2 + 1))}`, [canary])).toBe(1);
  });

  it('counts nothing in text without the canary, or with only a short piece of it', () => {
    expect(countCanaryHits('key-*** was redacted', [canary])).toBe(0);
    expect(countCanaryHits(`the step said ${canary.slice(0, 5)}`, [canary])).toBe(0);
  });

  it('tells Node and JavaScript wording from messages written for the user', () => {
    expect(isUnexpectedError('Unexpected error: read ECONNRESET')).toBe(true);
    expect(
      isUnexpectedError('Cannot create a string longer than 0x1fffffe8 characters (ERR_STRING_TOO_LONG)'),
    ).toBe(true);
    expect(isUnexpectedError('Invalid string length')).toBe(true);
    expect(isUnexpectedError("requestFile '/proc/self/environ' is outside the allowed folders")).toBe(false);
    expect(
      isUnexpectedError(
        "Upload of 'model/weights.bin' to datastore 'workspaceblobstore' was cut (ECONNRESET)",
      ),
    ).toBe(false);
  });
});
