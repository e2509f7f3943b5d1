/**
 * How one text value (a CSV field, or a string in JSON Lines or Parquet) is read, straight from its UTF-8 bytes.
 *
 * Rules (the same for every format, and close to pandas `read_csv` defaults so the benchmark compares alike):
 * - Surrounding spaces and tabs are ignored.
 * - Missing: the empty value and pandas' default NA strings (`NA`, `N/A`, `n/a`, `NULL`, `null`, `NaN`, `nan`,
 *   `-NaN`, `-nan`, `None`, `<NA>`, `#N/A`, `#N/A N/A`, `#NA`, `1.#IND`, `-1.#IND`, `1.#QNAN`, `-1.#QNAN`), and
 *   infinities (`inf`, `Infinity`, any case, optionally signed; or a number too large for a double).
 * - Number: `[+-]digits[.digits][(e|E)[+-]digits]` or `[+-].digits[...]`, parsed with `Number()` semantics
 *   (correctly rounded; the common case without building a string).
 * - Boolean: `true`, `True`, `TRUE`, `false`, `False`, `FALSE`.
 * - Date: ISO 8601 `YYYY-MM-DD`, optionally followed by `T` or a space, `hh:mm[:ss[.fff]]` and `Z` or `+hh[:]mm`.
 * - Anything else is a string.
 */

export enum TextKind {
  Missing = 0,
  Number = 1,
  True = 2,
  False = 3,
  Date = 4,
  String = 5,
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const MISSING_TOKENS = new Set([
  'NA',
  'N/A',
  'n/a',
  'NULL',
  'null',
  'NaN',
  'nan',
  '-NaN',
  '-nan',
  'None',
  '<NA>',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '1.#IND',
  '-1.#IND',
  '1.#QNAN',
  '-1.#QNAN',
]);

// Buffer's own latin1 decoder (works on any Uint8Array): much cheaper than TextDecoder for short values.
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }
).latin1Slice;
const latin1 = (bytes: Uint8Array, start: number, end: number): string => latin1Slice.call(bytes, start, end);

/**
 * Parses a plain decimal number; NaN when the bytes are not one. Exact for up to 15 significant digits and
 * exponents within +-22 (Clinger's fast path: one correctly rounded operation); other numbers go through Number().
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  let c = bytes[i]!;
  if (c === 45) {
    negative = true;
    i++;
  } else if (c === 43) i++;
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) break;
    digits++;
    if (significant === 0 && d === 0) continue;
    mantissa = mantissa * 10 + d;
    significant++;
  }
  if (i < end && bytes[i] === 46) {
    for (i++; i < end; i++) {
      const d = bytes[i]! - 48;
      if (d < 0 || d > 9) break;
      digits++;
      exponent--;
      if (significant === 0 && d === 0) continue;
      mantissa = mantissa * 10 + d;
      significant++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end) {
    c = bytes[i]!;
    if (c !== 101 && c !== 69) return NaN;
    i++;
    let expNegative = false;
    if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
      expNegative = bytes[i] === 45;
      i++;
    }
    if (i === end) return NaN;
    let e = 0;
    for (; i < end; i++) {
      const d = bytes[i]! - 48;
      if (d < 0 || d > 9) return NaN;
      if (e < 100000) e = e * 10 + d;
    }
    exponent += expNegative ? -e : e;
  }
  if (significant > 15 || exponent > 22 || exponent < -22) return Number(latin1(bytes, start, end));
  const value =
    exponent === 0 ? mantissa : exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
  return negative ? -value : value;
}

/** `inf` or `infinity` in any case, optionally signed. */
function isInfinity(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (bytes[i] === 45 || bytes[i] === 43) i++;
  const length = end - i;
  if (length !== 3 && length !== 8) return false;
  const word = latin1(bytes, i, end).toLowerCase();
  return word === 'inf' || word === 'infinity';
}

function isDigits(bytes: Uint8Array, start: number, count: number): boolean {
  for (let i = start; i < start + count; i++) {
    const c = bytes[i]!;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const twoDigits = (bytes: Uint8Array, at: number): number => (bytes[at]! - 48) * 10 + bytes[at + 1]! - 48;

/** ISO 8601 date or date-time (see the rules above). */
export function isIsoDate(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length < 10 || bytes[start + 4] !== 45 || bytes[start + 7] !== 45) return false;
  if (!isDigits(bytes, start, 4) || !isDigits(bytes, start + 5, 2) || !isDigits(bytes, start + 8, 2))
    return false;
  const month = twoDigits(bytes, start + 5);
  const day = twoDigits(bytes, start + 8);
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (length === 10) return true;
  const t = bytes[start + 10];
  if ((t !== 84 && t !== 32) || length < 16) return false;
  let i = start + 11;
  if (!isDigits(bytes, i, 2) || bytes[i + 2] !== 58 || !isDigits(bytes, i + 3, 2)) return false;
  if (twoDigits(bytes, i) > 24 || twoDigits(bytes, i + 3) > 59) return false;
  i += 5;
  if (i < end && bytes[i] === 58) {
    if (end - i < 3 || !isDigits(bytes, i + 1, 2)) return false;
    i += 3;
    if (i < end && bytes[i] === 46) {
      i++;
      const from = i;
      while (i < end && bytes[i]! >= 48 && bytes[i]! <= 57) i++;
      if (i === from) return false;
    }
  }
  if (i === end) return true;
  const zone = bytes[i];
  if (zone === 90) return i + 1 === end;
  if (zone !== 43 && zone !== 45) return false;
  const rest = end - i - 1;
  if (rest === 2) return isDigits(bytes, i + 1, 2);
  if (rest === 4) return isDigits(bytes, i + 1, 4);
  return rest === 5 && isDigits(bytes, i + 1, 2) && bytes[i + 3] === 58 && isDigits(bytes, i + 4, 2);
}

function isTrue(bytes: Uint8Array, s: number): boolean {
  const word = latin1(bytes, s, s + 4);
  return word === 'true' || word === 'True' || word === 'TRUE';
}

function isFalse(bytes: Uint8Array, s: number): boolean {
  const word = latin1(bytes, s, s + 5);
  return word === 'false' || word === 'False' || word === 'FALSE';
}

/** Where `classifyText` leaves the value of a number (saves allocating a result object per value). */
export const parsed = { number: 0 };

/**
 * What kind of value the (already trimmed, non-empty) bytes hold; for numbers the value is left in
 * `parsed.number`.
 */
export function classifyText(bytes: Uint8Array, start: number, end: number): TextKind {
  const c = bytes[start]!;
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    const value = parseDecimal(bytes, start, end);
    if (value === value) {
      if (value === Infinity || value === -Infinity) return TextKind.Missing;
      parsed.number = value;
      return TextKind.Number;
    }
    if (c !== 45 && c !== 43 && c !== 49)
      return isIsoDate(bytes, start, end) ? TextKind.Date : TextKind.String;
  }
  const length = end - start;
  if (length <= 9 && (c === 78 || c === 110 || c === 35 || c === 60 || c === 45 || c === 49)) {
    if (MISSING_TOKENS.has(latin1(bytes, start, end))) return TextKind.Missing;
  }
  if (c === 105 || c === 73 || c === 43 || c === 45) {
    if (isInfinity(bytes, start, end)) return TextKind.Missing;
  }
  if (length === 4 && (c === 116 || c === 84) && isTrue(bytes, start)) return TextKind.True;
  if (length === 5 && (c === 102 || c === 70) && isFalse(bytes, start)) return TextKind.False;
  if (c >= 48 && c <= 57 && isIsoDate(bytes, start, end)) return TextKind.Date;
  return TextKind.String;
}
