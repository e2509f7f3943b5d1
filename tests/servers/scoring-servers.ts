/**
 * Real HTTP scoring servers for the smoke-test tests, the demo and the benchmark. They follow the Azure ML
 * inference-server contract: `GET /` liveness, `POST /score`, key auth as `Authorization: Bearer <key>`.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type ScoringBehaviour =
  'correct' | 'wrong' | 'constant' | 'slow' | 'errors' | 'dies-after-bad-payload' | 'ready-late';

export const SCORING_BEHAVIOURS: readonly ScoringBehaviour[] = [
  'correct',
  'wrong',
  'constant',
  'slow',
  'errors',
  'dies-after-bad-payload',
  'ready-late',
];

export interface ScoringServerOptions {
  /** Required as `Authorization: Bearer <key>` when set (401 otherwise). */
  readonly key?: string;
  /** `slow`: delay of each answer. */
  readonly delayMs?: number;
  /** `ready-late`: how long connections are refused (nothing listens). */
  readonly refuseMs?: number;
  /** `ready-late`: how long it answers 503 once it listens, before serving. */
  readonly unavailableMs?: number;
  /** How answers are shaped: a bare array (default), `{"predictions": [...]}`, or a JSON string holding JSON. */
  readonly answerShape?: 'array' | 'predictions' | 'json-string';
  /** Echo the Authorization header in answers: a careless server, to prove the key is redacted everywhere. */
  readonly echoAuthorization?: boolean;
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly host?: string;
  readonly port?: number;
}

export interface ScoringServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** `${url}/score` */
  readonly scoringUri: string;
  /** POST /score requests received (including refused and failed ones). */
  readonly requests: number;
  /** The `azureml-model-deployment` header of each scoring request (undefined when absent). */
  readonly deployments: readonly (string | undefined)[];
  /** Where a `ready-late` server is (any other behaviour is `serving` from the start). */
  readonly phase: ReadinessPhase;
  /** `ready-late`: ends the refusing phase now (a test that waits on the client, not the clock). */
  stopRefusing(): void;
  /** Resolves once the server has reached `phase` (at once when it is there or past it). */
  reached(phase: ReadinessPhase): Promise<void>;
  close(): Promise<void>;
}

/** A `ready-late` server refuses connections, then answers 503, then serves. */
export type ReadinessPhase = 'refusing' | 'unavailable' | 'serving';
const PHASES: readonly ReadinessPhase[] = ['refusing', 'unavailable', 'serving'];

/** Weather conditions in which it precipitates now (examples/weather/data/generate.py). */
const PRECIPITATION = new Set(['drizzle', 'rain', 'thunderstorm', 'snow']);

/**
 * The weather model of examples/weather as a transparent rule: rain in four hours (1) when Humidity > 80 and
 * it precipitates now (Current_weather_condition drizzle, rain, thunderstorm or snow), or it is overcast with
 * Pressure_millibars below 1005; otherwise dry (0). The logistic regression that examples/weather/src/train.py
 * fits on data/train.csv answers the same on every row of the smoke cases, and on 96 % of the hours of
 * train.csv and recent.csv. A column the request lacks does not count against rain: with Humidity alone, rain
 * when Humidity > 80.
 */
export function predictRain(columns: readonly string[], row: readonly unknown[]): number {
  const value = (column: string): unknown => {
    const at = columns.indexOf(column);
    return at < 0 ? undefined : row[at];
  };
  if (!(Number(value('Humidity')) > 80)) return 0;
  const condition = value('Current_weather_condition');
  if (condition === undefined) return 1;
  const now = String(condition)
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (PRECIPITATION.has(now)) return 1;
  if (now !== 'overcast') return 0;
  const pressure = value('Pressure_millibars');
  return pressure === undefined || Number(pressure) < 1005 ? 1 : 0;
}

class BadRequest extends Error {}

/** Starts a scoring server on an ephemeral port of 127.0.0.1 (unless told otherwise). */
export async function startScoringServer(
  behaviour: ScoringBehaviour,
  options: ScoringServerOptions = {},
): Promise<ScoringServer> {
  const host = options.host ?? '127.0.0.1';
  const state = { requests: 0, deployments: [] as (string | undefined)[], dead: false };
  const sockets = new Set<Socket>();
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key })
    : http.createServer();
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const die = () => {
    state.dead = true;
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  let phase: ReadinessPhase = behaviour === 'ready-late' ? 'refusing' : 'serving';
  const waiting: { phase: ReadinessPhase; resolve: () => void }[] = [];
  const isPast = (wanted: ReadinessPhase) => PHASES.indexOf(phase) >= PHASES.indexOf(wanted);
  const enter = (next: ReadinessPhase) => {
    phase = next;
    for (const waiter of waiting.filter((w) => isPast(w.phase))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void handle(request, Buffer.concat(chunks).toString('utf8'), response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, { error: String(error) });
      });
    });
  });

  async function handle(request: IncomingMessage, body: string, response: ServerResponse): Promise<void> {
    const route = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && route === '/') return sendText(response, 200, 'Healthy');
    if (route !== '/score') return send(response, 404, { error: `no route ${request.method} ${route}` });
    if (request.method !== 'POST') return send(response, 405, { error: 'POST only' });
    state.requests++;
    const deployment = request.headers['azureml-model-deployment'];
    state.deployments.push(Array.isArray(deployment) ? deployment[0] : deployment);
    const echo = options.echoAuthorization ? { authorization: request.headers.authorization ?? null } : {};
    if (options.key !== undefined && request.headers.authorization !== `Bearer ${options.key}`) {
      return send(response, 401, { error: 'invalid or missing key', ...echo });
    }
    if (phase === 'unavailable') return send(response, 503, { error: 'model is loading' });
    if (behaviour === 'errors')
      return send(response, 500, { error: 'model failed: ValueError in run()', ...echo });
    if (behaviour === 'slow') await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 200));

    let predictions: number[];
    try {
      const rows = readRows(body);
      predictions = rows.rows.map((row) => {
        if (behaviour === 'wrong') return 7;
        if (behaviour === 'constant') return 0;
        return predictRain(rows.columns, row);
      });
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      if (behaviour === 'dies-after-bad-payload') {
        // Like a worker process that crashes on the payload: answer, then everything goes away.
        response.setHeader('Connection', 'close');
        send(response, 500, { error: 'worker died' });
        response.on('finish', die);
        return;
      }
      return send(response, 400, { error: error.message, ...echo });
    }
    const answer = options.answerShape === 'predictions' ? { predictions, ...echo } : predictions;
    if (options.answerShape === 'json-string') return send(response, 200, JSON.stringify(answer));
    send(
      response,
      200,
      options.echoAuthorization && Array.isArray(answer) ? { result: answer, ...echo } : answer,
    );
  }

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });

  let port = 0;
  const timers = new Set<NodeJS.Timeout>();
  const after = (ms: number, then: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!state.dead) then();
    }, ms);
    timers.add(timer);
  };
  let refusing = behaviour === 'ready-late';
  const stopRefusing = () => {
    if (!refusing || state.dead) return;
    refusing = false;
    void listen(port).then(() => {
      enter('unavailable');
      after(options.unavailableMs ?? 1000, () => enter('serving'));
    });
  };
  if (behaviour === 'ready-late') {
    // Reserve a port so the URL is known up front, then leave it closed: connections are refused until we re-listen.
    port = await listen(options.port ?? 0);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Each window starts when the previous phase really ended: a loaded machine delays phases, never skips one.
    after(options.refuseMs ?? 1000, () => stopRefusing());
  } else {
    port = await listen(options.port ?? 0);
  }

  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    scoringUri: `${url}/score`,
    get requests() {
      return state.requests;
    },
    deployments: state.deployments,
    stopRefusing,
    get phase() {
      return phase;
    },
    reached: (wanted) =>
      isPast(wanted)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ phase: wanted, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        state.dead = true;
        for (const socket of sockets) socket.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}

/** Rows of a request: split orient `{input_data: {columns, data}}`, records `{input_data: [{...}]}`, or `{data: [[...]]}`. */
function readRows(body: string): { columns: string[]; rows: unknown[][] } {
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch (error) {
    throw new BadRequest(`malformed JSON: ${(error as Error).message}`);
  }
  const input = isObject(request) ? (request.input_data ?? request.data) : undefined;
  if (isObject(input) && Array.isArray(input.columns) && Array.isArray(input.data)) {
    if (!input.data.every(Array.isArray)) throw new BadRequest('input_data.data must be a list of rows');
    return { columns: input.columns.map(String), rows: input.data as unknown[][] };
  }
  if (Array.isArray(input) && input.every(isObject)) {
    const records = input as Record<string, unknown>[];
    const columns = Object.keys(records[0] ?? {});
    return { columns, rows: records.map((record) => columns.map((column) => record[column])) };
  }
  throw new BadRequest("expected {'input_data': {'columns': [...], 'data': [[...], ...]}}");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
