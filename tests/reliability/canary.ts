/**
 * Canary secrets: values planted in secret inputs (or echoed by a hostile server) that must never appear in anything
 * a step prints or writes, in any form: plain, JSON-, HTML- or XML-escaped, URL-encoded, base64, or cut.
 */
import { randomBytes } from 'node:crypto';

/** A fresh canary with the characters that escaping changes (`"`, `\`, `|`, `<`, `&`, `+`, `/`, `=`) in it. */
export function newCanary(label = 'canary'): string {
  return `${label}-${randomBytes(9).toString('base64url')}"\\|<&+/=${randomBytes(6).toString('hex')}`;
}

const htmlEscape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Every form in which a canary could slip through a filter that only knows its plain form. */
export function canaryForms(canary: string): string[] {
  const forms = new Set<string>([
    canary,
    JSON.stringify(canary).slice(1, -1),
    htmlEscape(canary),
    htmlEscape(canary)
      .replace(/&quot;/g, '&#34;')
      .replace(/&#39;/g, '&apos;'),
    encodeURIComponent(canary),
    encodeURI(canary),
    Buffer.from(canary).toString('base64').replace(/=+$/, ''),
    Buffer.from(canary).toString('base64url'),
  ]);
  return [...forms];
}

/** A secret cut at a quote limit still leaks what is left of it: 8 characters or more count as a leak. */
const minimumFragment = 8;

/**
 * How many times any form of any canary occurs in `text`; a canary found only cut (a form's first or last 8
 * characters) counts once.
 */
export function countCanaryHits(text: string, canaries: readonly string[]): number {
  let hits = 0;
  for (const canary of canaries) {
    const forms = canaryForms(canary);
    const whole = forms.reduce((sum, form) => sum + text.split(form).length - 1, 0);
    const cut = forms.some(
      (form) => text.includes(form.slice(0, minimumFragment)) || text.includes(form.slice(-minimumFragment)),
    );
    hits += whole > 0 ? whole : cut ? 1 : 0;
  }
  return hits;
}
