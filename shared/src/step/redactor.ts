/**
 * The one redactor every text leaving a step passes (#14): it knows each secret's plain form and the forms escaping
 * and encoding give it (JSON, HTML, XML, markdown, URL, base64 at each byte alignment), and it also hides what a cut
 * leaves of a secret: 8 characters or more of a secret before a cut (`…` or the end of the text) or after one (`…`
 * or the start of the text). Trimming, escaping and encoding happen after it, never before.
 */

/** What a cut may leave of a secret: fewer characters than this are not worth hiding (and would hide words). */
export const minimumSecretFragment = 8;

const cutMark = '…';
const replacement = '***';

const htmlEscaped = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Base64 of the secret wherever it starts in a longer encoded text: the characters it fully decides, 3 ways. */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = Math.ceil((offset * 4) / 3);
    // The last character is shared with whatever follows, unless the bytes end on a 3-byte boundary.
    const whole = (offset + bytes.length) % 3 === 0;
    const end = whole ? encoded.length : encoded.replace(/=+$/, '').length - 1;
    const form = encoded.slice(start, end);
    forms.push(form, form.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** Every form in which a secret may appear in a text we write. */
export function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const html = htmlEscaped(secret);
  const forms = [
    secret,
    json,
    html,
    html.replace(/&quot;/g, '&#34;'),
    html.replace(/'/g, '&#39;'),
    html.replace(/'/g, '&apos;'),
    html.replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;'),
    // Markdown table cells and inline text.
    secret.replace(/\|/g, '\\|'),
    html.replace(/[\\`*_[\]|~]/g, (char) => `\\${char}`),
    encodeURIComponent(secret),
    encodeURI(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    ...base64Forms(secret),
  ];
  return [...new Set(forms)].filter((form) => form.length >= 4);
}

type Range = [start: number, end: number];

/** Where the text is cut: the `…` marks and both ends. */
function cutPositions(text: string): { ends: number[]; starts: number[] } {
  const ends = [text.length];
  const starts = [0];
  for (let at = text.indexOf(cutMark); at >= 0; at = text.indexOf(cutMark, at + 1)) {
    ends.push(at);
    starts.push(at + cutMark.length);
  }
  return { ends, starts };
}

/** The longest piece (>= minimumSecretFragment) of `form` that the text holds next to a cut. */
function cutRanges(text: string, forms: readonly string[]): Range[] {
  const { ends, starts } = cutPositions(text);
  const ranges: Range[] = [];
  for (const form of forms) {
    for (const end of ends) {
      for (let length = Math.min(form.length - 1, end); length >= minimumSecretFragment; length--) {
        if (text.startsWith(form.slice(0, length), end - length)) {
          ranges.push([end - length, end]);
          break;
        }
      }
    }
    for (const start of starts) {
      for (
        let length = Math.min(form.length - 1, text.length - start);
        length >= minimumSecretFragment;
        length--
      ) {
        if (text.startsWith(form.slice(form.length - length), start)) {
          ranges.push([start, start + length]);
          break;
        }
      }
    }
  }
  return ranges;
}

function replaceRanges(text: string, ranges: Range[]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let result = '';
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    result += text.slice(at, Math.max(at, start)) + (start >= at ? replacement : '');
    at = end;
  }
  return result + text.slice(at);
}

/** Replaces every form of every secret, and what cuts left of them, by `***`. */
export function redactForms(text: string, forms: readonly string[]): string {
  if (forms.length === 0 || text.length === 0) return text;
  let result = text;
  for (const form of forms) if (result.includes(form)) result = result.split(form).join(replacement);
  return replaceRanges(result, cutRanges(result, forms));
}

/**
 * A copy of a value with every string in it redacted: plain objects and arrays are walked, anything else (a Date,
 * a class instance) is kept as it is.
 */
export function redactDeep<T>(value: T, redact: (text: string) => string, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return redact(value) as T;
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item: unknown) => redactDeep(item, redact, seen)) as T;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  seen.add(value);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact, seen)]),
  ) as T;
}
