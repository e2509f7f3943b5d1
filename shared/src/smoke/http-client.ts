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
}

/** A scoring endpoint client with its own keep-alive connection pool; close() it when done. */
export class ScoringClient {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly baseOptions: http.RequestOptions;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(
    scoringUri: string,
    private readonly options: ScoringClientOptions,
  ) {
    const url = new URL(scoringUri);
    const secure = url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.request = secure ? https.request : http.request;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
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

  /**
   * Posts a body and resolves with the answer or the connection failure; rejects only with CancelledError.
   * A keep-alive socket the server closed meanwhile is retried once on a fresh one, as Node's docs advise.
   */
  async send(body: string | Buffer, signal?: AbortSignal): Promise<ScoringResult> {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const first = await this.sendOnce(payload, signal);
    return first.retry ? (await this.sendOnce(payload, signal)).result : first.result;
  }

  /** Closes the pooled sockets. */
  close(): void {
    this.agent.destroy();
  }

  private sendOnce(payload: Buffer, signal?: AbortSignal): Promise<{ result: ScoringResult; retry: boolean }> {
    if (signal?.aborted) return Promise.reject(new CancelledError('smoke test cancelled'));
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      let settled = false;
      let timedOut = false;
      const finish = (outcome: { result: ScoringResult; retry: boolean } | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onAbort = () => {
        finish(new CancelledError('smoke test cancelled'));
        request.destroy();
      };
      const request = this.request({
        ...this.baseOptions,
        headers: { ...this.headers, 'Content-Length': payload.length },
      });
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy();
      }, this.options.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      const fail = (error: NodeJS.ErrnoException, answered: boolean) => {
        if (timedOut) {
          const message = `no answer within ${this.options.timeoutMs / 1000} s`;
          finish({ result: { kind: 'failure', code: 'ETIMEDOUT', message, durationMs: elapsed() }, retry: false });
          return;
        }
        const code = error.code ?? 'ERROR';
        const stale = !answered && request.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
        const message = describeConnectionError(code, error.message);
        finish({ result: { kind: 'failure', code, message, durationMs: elapsed() }, retry: stale });
      };

      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          finish({ result: { kind: 'answer', status, headers: response.headers, body, durationMs: elapsed() }, retry: false });
        });
        response.on('error', (error) => fail(error, true));
        // The connection can drop mid-body without an 'error' on the response.
        response.on('close', () => {
          if (!response.complete) fail(Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }), true);
        });
      });
      request.on('error', (error) => fail(error, false));
      request.end(payload);
    });
  }
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
