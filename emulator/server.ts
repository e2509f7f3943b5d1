/**
 * The emulator's HTTPS server: one listener on 127.0.0.1, a small router, request recording, ARM error bodies,
 * ARM's request-id headers on every response, and per-route fault injection.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface EmulatorRequest {
  method: string;
  /** Full URL as received (origin of the emulator). */
  url: URL;
  /** Path without the query string, percent-decoded per segment only in `params`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed JSON body (undefined when the body is empty or not JSON). */
  body: unknown;
  /** Named path segments of the matched route (decoded). */
  params: Record<string, string>;
  /** `x-ms-correlation-request-id` of this exchange (the client's one, or a new one). */
  correlationId: string;
  requestId: string;
  /** Claims of the verified bearer token, set by the ARM guard. */
  principal?: { tid: string; oid: string; appid: string };
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string or Buffer. */
  body?: unknown;
  contentType?: string;
}

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;
/** Runs before the handler of routes registered with this guard; returning a response short-circuits. */
export type Guard = (req: EmulatorRequest) => EmulatorResponse | undefined;

/** What the emulator received, for assertions (the SDK serializers drop unknown properties on the way out). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The response status (0 when the connection was dropped on purpose). */
  status: number;
}

export type Fault =
  | { status: 429; retryAfterSeconds?: number; code?: string; message?: string }
  | { status: 500 | 502 | 503 | 504; retryAfterSeconds?: number; code?: string; message?: string }
  | { reset: true }
  /** A slow answer: the request is answered as usual after `delayMs` (nothing is sent if the client gives up first). */
  | { delayMs: number };

export interface FaultRule {
  method?: string;
  /** A string matches the request path (no query) exactly, case-insensitively; a RegExp is tested on it. */
  path: RegExp | string;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  fault: Fault;
}

export interface FaultHandle {
  readonly rule: FaultRule;
  /** Requests this rule has answered so far. */
  readonly hits: number;
  readonly remaining: number;
}

/**
 * Fault injection. Rules are checked in the order they were added; the first matching rule with remaining
 * uses answers the request (so rules for the same route are consumed in order).
 */
export class Faults {
  private readonly rules: { rule: FaultRule; hits: number; times: number }[] = [];

  add(rule: FaultRule): FaultHandle {
    const entry = { rule, hits: 0, times: rule.times ?? 1 };
    this.rules.push(entry);
    return {
      rule,
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entry.times - entry.hits;
      },
    };
  }

  /** Number of fault uses not yet consumed. */
  pending(): number {
    return this.rules.reduce((sum, r) => sum + (r.times - r.hits), 0);
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** @internal */
  take(method: string, path: string): Fault | undefined {
    for (const entry of this.rules) {
      if (entry.hits >= entry.times) continue;
      const { rule } = entry;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      const matches =
        typeof rule.path === 'string' ? rule.path.toLowerCase() === path.toLowerCase() : rule.path.test(path);
      if (!matches) continue;
      entry.hits += 1;
      return rule.fault;
    }
    return undefined;
  }
}

/** ARM error body `{"error":{"code","message"}}`. */
export function armError(status: number, code: string, message: string, headers?: Record<string, string>) {
  return { status, headers, body: { error: { code, message } } } satisfies EmulatorResponse;
}

interface Route {
  method: string;
  segments: ({ literal: string } | { param: string })[];
  handler: Handler;
  guard: Guard | undefined;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

export interface ServerOptions {
  certPem: string;
  keyPem: string;
}

export class EmulatorServer {
  readonly faults = new Faults();
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private baseUrl: string | undefined;
  /** Answers requests that match no route (default: 404 `NotFound`). */
  fallback: Handler = (req) => armError(404, 'NotFound', `No route for ${req.method} ${req.path}.`);

  constructor(options: ServerOptions) {
    this.server = createServer({ cert: options.certPem, key: options.keyPem }, (req, res) => {
      this.dispatch(req, res).catch(() => {
        // The client went away mid-request (or a fault dropped the connection): nothing to answer.
        req.socket.destroy();
      });
    });
    this.server.on('secureConnection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** `https://127.0.0.1:<port>` once listening. */
  get url(): string {
    if (!this.baseUrl) throw new Error('The emulator server is not listening.');
    return this.baseUrl;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `https://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Registers a route. `pattern` is a path with `{name}` segments; literal segments match case-insensitively
   * (ARM resource types and provider namespaces are case-insensitive).
   */
  route(method: string, pattern: string, handler: Handler, guard?: Guard): void {
    const segments = splitPath(pattern).map((s) => {
      const m = /^\{(\w+)\}$/.exec(s);
      return m?.[1] ? { param: m[1] } : { literal: s.toLowerCase() };
    });
    this.routes.push({ method: method.toUpperCase(), segments, handler, guard });
  }

  private match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | 'method' | undefined {
    const parts = splitPath(path);
    let pathMatched = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i];
        const part = parts[i];
        if (seg === undefined || part === undefined) ok = false;
        else if ('literal' in seg) ok = seg.literal === part.toLowerCase();
        else params[seg.param] = decodeURIComponent(part);
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    let body: unknown;
    const text = rawBody.toString('utf8');
    if (text.length > 0 && /json/i.test(req.headers['content-type'] ?? 'application/json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const request: EmulatorRequest = {
      method,
      url,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body,
      params: {},
      correlationId: header('x-ms-correlation-request-id') ?? randomUUID(),
      requestId: randomUUID(),
    };
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: body ?? (text.length > 0 ? text : undefined),
      status: 0,
    };
    this.requests.push(record);

    let response: EmulatorResponse;
    try {
      const fault = this.faults.take(method, url.pathname);
      if (fault && 'reset' in fault) {
        req.socket.destroy();
        return;
      }
      if (fault && 'delayMs' in fault && !(await answeredLate(fault.delayMs, res))) return;
      if (fault && 'status' in fault) {
        response = faultResponse(fault);
      } else {
        const found = this.match(method, url.pathname);
        if (found === undefined) response = await this.fallback(request);
        else if (found === 'method')
          response = armError(
            405,
            'MethodNotAllowed',
            `The method '${method}' is not allowed on '${url.pathname}'.`,
          );
        else {
          request.params = found.params;
          response = found.route.guard?.(request) ?? (await found.route.handler(request));
        }
      }
    } catch (error) {
      response = armError(
        500,
        'InternalServerError',
        `Emulator error: ${(error as Error).stack ?? String(error)}`,
      );
    }
    record.status = response.status;
    this.send(res, request, response);
  }

  private send(res: ServerResponse, req: EmulatorRequest, response: EmulatorResponse): void {
    const headers: Record<string, string> = {
      'x-ms-request-id': req.requestId,
      'x-ms-correlation-request-id': req.correlationId,
      ...response.headers,
    };
    const clientRequestId = req.headers['x-ms-client-request-id'];
    if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
    let payload: Buffer | undefined;
    if (response.body !== undefined) {
      if (Buffer.isBuffer(response.body)) payload = response.body;
      else if (typeof response.body === 'string') payload = Buffer.from(response.body, 'utf8');
      else payload = Buffer.from(JSON.stringify(response.body), 'utf8');
      headers['content-type'] =
        response.contentType ??
        (typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
    }
    headers['content-length'] = String(payload?.length ?? 0);
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}

/** Waits `delayMs` before a request is answered; false when the client went away meanwhile (nothing to answer). */
function answeredLate(delayMs: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', gone);
      resolve(!res.destroyed);
    }, delayMs);
    const gone = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once('close', gone);
  });
}

function faultResponse(fault: Extract<Fault, { status: number }>): EmulatorResponse {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  switch (fault.status) {
    case 429:
      return armError(
        429,
        fault.code ?? 'TooManyRequests',
        fault.message ??
          'The request is being throttled as the limit has been reached for operation type - Read. For more information, see - https://aka.ms/srpthrottlinglimits',
        headers,
      );
    case 500:
      return armError(
        500,
        fault.code ?? 'InternalServerError',
        fault.message ??
          'Encountered internal server error. Diagnostic information: timestamp, correlation id.',
        headers,
      );
    default:
      return armError(
        fault.status,
        fault.code ?? 'ServiceUnavailable',
        fault.message ?? 'The service is temporarily unavailable. Please try again later.',
        headers,
      );
  }
}
