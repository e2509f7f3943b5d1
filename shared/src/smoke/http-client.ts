import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { CancelledError } from '../step/errors';

/** The endpoint answered over HTTP (any status). */
export interface HttpAnswer {
  readonly kind: 'answer';
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly durationMs: number;
  /** Set when the answer was larger than the cap: reading stopped, `body` is empty. */
  readonly oversize?: OversizeAnswer;
}

/** An answer the client stopped reading at the cap. */
export interface OversizeAnswer {
  /** Bytes read before stopping (just over the cap). */
  readonly bytesRead: number;
  /** What the answer announced (Content-Length), when it did. */
  readonly announcedBytes?: number;
  readonly limitBytes: number;
  /** The input that raises the cap, as the user writes it. */
  readonly input: string;
}

/** No HTTP answer: the connection failed, was reset, or the request timed out. */
export interface ConnectionFailure {
  readonly kind: 'failure';
  /** errno-style code: ECONNREFUSED, ECONNRESET, ENOTFOUND, ETIMEDOUT (our timeout), ... */
  readonly code: string;
  readonly message: string;
  readonly durationMs: number;
}

export type ScoringResult = HttpAnswer | ConnectionFailure;

export interface ScoringClientOptions {
  readonly timeoutMs: number;
  /** Sent as `Authorization: Bearer`; never logged. */
  readonly key?: string;
  /** Sent as `azureml-model-deployment`, to reach a deployment that has no traffic yet. */
  readonly deploymentName?: string;
  /** Sockets kept open to the endpoint; at least the latency concurrency. */
  readonly maxSockets?: number;
  /** Largest answer read, and the input that sets it; a larger answer is not read further (see `oversize`). */
  readonly maxResponse?: { readonly bytes: number; readonly input: string };
}

/** The cap when none is given: as the smoke-test step's `maxResponseMegabytes` default. */
const DEFAULT_MAX_RESPONSE = { bytes: 10 * 1024 * 1024, input: 'maxResponseMegabytes' };

/** A scoring endpoint client with its own keep-alive connection pool; close() it when done. */
export class ScoringClient {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly baseOptions: http.RequestOptions;
  private readonly headers: Readonly<Record<string, string>>;
  // The latency loop sends one body thousands of times: reuse its options instead of rebuilding them.
  private lastOptions: { length: number; options: http.RequestOptions } | undefined;
  // One abort listener per signal, not per request: EventTarget listeners cost more than the rest of a request.
  private readonly inFlight = new Map<AbortSignal, Set<() => void>>();

  constructor(
    scoringUri: string,
    private readonly options: ScoringClientOptions,
  ) {
    const url = new URL(scoringUri);
    const secure = url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.request = secure ? https.request : http.request;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    if (options.key) headers.Authorization = `Bearer ${options.key}`;
    if (options.deploymentName) headers['azureml-model-deployment'] = options.deploymentName;
    this.headers = headers;
    this.baseOptions = {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      agent: this.agent,
    };
  }

  /** Posts a body and resolves with the answer or the connection failure; rejects only with CancelledError. */
  send(body: string | Buffer, signal?: AbortSignal): Promise<ScoringResult> {
    if (signal?.aborted) return Promise.reject(new CancelledError('smoke test cancelled'));
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    return new Promise((resolve, reject) => this.attempt(payload, signal, true, resolve, reject));
  }

  /** Closes the pooled sockets. */
  close(): void {
    this.agent.destroy();
  }

  private requestOptions(length: number): http.RequestOptions {
    if (this.lastOptions?.length !== length) {
      this.lastOptions = {
        length,
        options: { ...this.baseOptions, headers: { ...this.headers, 'Content-Length': length } },
      };
    }
    return this.lastOptions.options;
  }

  private attempt(
    payload: Buffer,
    signal: AbortSignal | undefined,
    mayRetry: boolean,
    resolve: (result: ScoringResult) => void,
    reject: (error: Error) => void,
  ): void {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    let settled = false;
    let timedOut = false;
    const request = this.request(this.requestOptions(payload.length));
    const cancel = () => {
      if (settle()) reject(new CancelledError('smoke test cancelled'));
      request.destroy();
    };
    const cancellers = signal ? this.watch(signal) : undefined;
    cancellers?.add(cancel);
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy();
    }, this.options.timeoutMs);
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      cancellers?.delete(cancel);
      return true;
    };
    const fail = (error: NodeJS.ErrnoException, answered: boolean) => {
      if (!settle()) return;
      if (timedOut) {
        resolve({
          kind: 'failure',
          code: 'ETIMEDOUT',
          message: `no answer within ${this.options.timeoutMs / 1000} s`,
          durationMs: elapsed(),
        });
        return;
      }
      const code = error.code ?? 'ERROR';
      // A kept-alive socket the server closed just as we reused it: retry once on a fresh one, as Node's docs advise.
      if (mayRetry && !answered && request.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
        this.attempt(payload, signal, false, resolve, reject);
        return;
      }
      resolve({
        kind: 'failure',
        code,
        message: describeConnectionError(code, error.message),
        durationMs: elapsed(),
      });
    };

    request.on('response', (response) => {
      collectBody(response, this.options.maxResponse ?? DEFAULT_MAX_RESPONSE, (body, oversize) => {
        if (!settle()) return;
        // Past the cap the socket is destroyed, not drained: the rest of the answer is never read.
        if (oversize) request.destroy();
        resolve({
          kind: 'answer',
          status: response.statusCode ?? 0,
          headers: response.headers,
          body,
          durationMs: elapsed(),
          ...(oversize ? { oversize } : {}),
        });
      });
      response.on('error', (error) => fail(error, true));
      // The connection can drop mid-body without an 'error' on the response.
      response.on('close', () => {
        if (!response.complete)
          fail(Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }), true);
      });
    });
    request.on('error', (error) => fail(error, false));
    request.end(payload);
  }

  private watch(signal: AbortSignal): Set<() => void> {
    let cancellers = this.inFlight.get(signal);
    if (!cancellers) {
      const set = new Set<() => void>();
      cancellers = set;
      this.inFlight.set(signal, set);
      signal.addEventListener('abort', () => [...set].forEach((cancel) => cancel()), { once: true });
    }
    return cancellers;
  }
}

/** Reads an answer's body up to `limit` bytes; past it, stops and hands over what it knows of the answer instead. */
function collectBody(
  response: http.IncomingMessage,
  limit: { readonly bytes: number; readonly input: string },
  done: (body: string, oversize?: OversizeAnswer) => void,
): void {
  const chunks: Buffer[] = [];
  let bytesRead = 0;
  let stopped = false;
  response.on('data', (chunk: Buffer) => {
    if (stopped) return;
    bytesRead += chunk.length;
    if (bytesRead <= limit.bytes) return void chunks.push(chunk);
    stopped = true;
    chunks.length = 0;
    const announced = Number(response.headers['content-length']);
    done('', {
      bytesRead,
      ...(Number.isFinite(announced) ? { announcedBytes: announced } : {}),
      limitBytes: limit.bytes,
      input: limit.input,
    });
  });
  response.on('end', () => {
    if (stopped) return;
    done(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  });
}

const KNOWN_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
};

function describeConnectionError(code: string, message: string): string {
  const known = KNOWN_CODES[code];
  return known ? `${known} (${code})` : message;
}
