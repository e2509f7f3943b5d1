/**
 * Server-side paging of ARM list answers: `{ value, nextLink? }`, where `nextLink` is the request URL with an
 * opaque `$skipToken` continuation token (the SDKs follow it verbatim). Azure ML's REST spec names its
 * continuation parameter `$skip`; both are read.
 */
import { armError, type EmulatorRequest, type EmulatorResponse } from '../server';

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

const TOKEN_PARAMS = ['$skiptoken', '$skip'];

export class InvalidSkipTokenError extends Error {}

/** The offset a continuation token carries (base64url JSON without padding: core-client splits on `=`). */
function decodeToken(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { o?: unknown }).o : undefined;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new InvalidSkipTokenError(`The continuation token '${token}' is not valid.`);
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
}

/** The raw `$skipToken` (or `$skip`) of the request, if any. */
function tokenOf(req: EmulatorRequest): string | undefined {
  for (const [name, value] of req.query) {
    if (TOKEN_PARAMS.includes(name.toLowerCase()) && value.length > 0) return value;
  }
  return undefined;
}

/** The request URL with `$skipToken` replaced (other query parameters kept as they were sent). */
function linkWithToken(req: EmulatorRequest, token: string): string {
  const kept = req.url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => {
      if (pair.length === 0) return false;
      const name = decodeURIComponent(pair.split('=', 1)[0] ?? '').toLowerCase();
      return !TOKEN_PARAMS.includes(name);
    });
  return `${req.url.origin}${req.url.pathname}?${[...kept, `$skipToken=${token}`].join('&')}`;
}

/** One page of `items` for this request; throws `InvalidSkipTokenError` for a token it did not issue. */
export function pageOf<T>(req: EmulatorRequest, items: readonly T[], pageSize: number): Page<T> {
  const token = tokenOf(req);
  const offset = token === undefined ? 0 : decodeToken(token);
  const size = Math.max(1, Math.floor(pageSize));
  const value = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { value, nextLink: linkWithToken(req, encodeToken(next)) } : { value };
}

/** `pageOf` as a 200 answer, or 400 `BadRequest` for an invalid continuation token. */
export function pagedResponse<T>(
  req: EmulatorRequest,
  items: readonly T[],
  pageSize: number,
): EmulatorResponse {
  try {
    return { status: 200, body: pageOf(req, items, pageSize) };
  } catch (error) {
    if (error instanceof InvalidSkipTokenError) return armError(400, 'BadRequest', error.message);
    throw error;
  }
}
