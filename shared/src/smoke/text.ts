import type { ScoringResult } from './http-client';

/** Longest piece of an answer quoted in a failure: enough to recognise it, short enough for a table cell. */
export const QUOTE_LIMIT = 200;

/** Collapses whitespace and cuts a text to `limit` characters, marking the cut. */
export function trimText(text: string, limit = QUOTE_LIMIT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/** A value as compact JSON, trimmed. */
export function describeValue(value: unknown, limit = QUOTE_LIMIT): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return trimText(text, limit);
}

/** "HTTP 500: {body}" or "connection refused (ECONNREFUSED)". */
export function describeResult(result: ScoringResult): string {
  if (result.kind === 'failure') return result.message;
  const body = trimText(result.body);
  return body ? `HTTP ${result.status}: ${body}` : `HTTP ${result.status}`;
}
