/**
 * The scoring front end of an online endpoint: one HTTPS listener per endpoint on 127.0.0.1 (the emulator's server
 * certificate), whose `/score` becomes the endpoint's `scoringUri`. It authenticates and routes each request as
 * Azure ML does (`routing.ts`), forwards it to the deployment's local inference server and answers with what that
 * server answered, plus the `azureml-model-deployment` header. Managed endpoints turn a non-200 answer of the model
 * into 424 with `ms-azureml-model-error-statuscode` / `ms-azureml-model-error-reason`, as the service documents.
 */
import { randomUUID } from 'node:crypto';
import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ArmEmulator } from '../arm/index';
import { isObject } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import type { DeploymentServers } from './deployment-servers';
import { authorize, route, type AuthCheck } from './routing';

export interface EndpointListenersOptions {
  arm: ArmEmulator;
  deployments: DeploymentServers;
  tls: { certPem: string; keyPem: string };
  auth: AuthCheck;
}

interface Listener {
  server: Server;
  sockets: Set<Socket>;
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Not forwarded either way: they describe one connection, not the message. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'host',
  'content-length',
]);

export class EndpointListeners {
  private readonly listeners = new Map<string, Listener>();
  /** For tests: replaces Math.random in the traffic split. */
  random: () => number = Math.random;

  constructor(private readonly options: EndpointListenersOptions) {}

  /** Opens the listener of an endpoint (once); returns its scoring and swagger URIs. */
  async open(endpointId: string): Promise<{ scoringUri: string; swaggerUri: string }> {
    const key = endpointId.toLowerCase();
    let listener = this.listeners.get(key);
    if (!listener) {
      const sockets = new Set<Socket>();
      const server = createServer(
        { cert: this.options.tls.certPem, key: this.options.tls.keyPem },
        (req, res) => {
          void this.handle(endpointId, req, res).catch((error: unknown) => {
            if (!res.headersSent) send(res, 500, { 'content-type': 'text/plain' }, String(error));
            else res.destroy();
          });
        },
      );
      server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      server.unref();
      listener = { server, sockets };
      this.listeners.set(key, listener);
    }
    const { port } = listener.server.address() as AddressInfo;
    return {
      scoringUri: `https://127.0.0.1:${port}/score`,
      swaggerUri: `https://127.0.0.1:${port}/swagger.json`,
    };
  }

  /** Closes the listener of an endpoint (open connections are dropped). */
  async close(endpointId: string): Promise<void> {
    const key = endpointId.toLowerCase();
    const listener = this.listeners.get(key);
    if (!listener) return;
    this.listeners.delete(key);
    for (const socket of listener.sockets) socket.destroy();
    await new Promise<void>((resolve) => listener.server.close(() => resolve()));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.listeners.keys()].map((key) => this.close(key)));
  }

  private async handle(endpointId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const endpoint = this.options.arm.store.get(endpointId);
    if (!endpoint) return send(res, 404, { 'content-type': 'text/plain' }, 'endpoint_not_found');
    const denied = authorize(endpoint, req.headers.authorization, this.options.auth);
    if (denied) return send(res, 401, { 'content-type': 'text/plain' }, denied);
    const header = req.headers['azureml-model-deployment'];
    const target = route(
      endpoint,
      Array.isArray(header) ? header[0] : header,
      (name) => this.deploymentOf(endpoint, name) !== undefined,
      this.random,
    );
    if ('status' in target)
      return send(res, target.status, json(), JSON.stringify({ message: target.message }));
    const deployment = this.deploymentOf(endpoint, target.deployment);
    const name = String(deployment?.body['name'] ?? target.deployment);
    const server = deployment ? this.options.deployments.serverOf(deployment.id) : undefined;
    if (!deployment || !server) {
      const message = `Deployment '${name}' is not ready to serve requests (no running inference server).`;
      return send(res, 503, { ...json(), 'azureml-model-deployment': name }, JSON.stringify({ message }));
    }
    if (target.mirror) this.mirror(endpoint, target.mirror, req, body);
    const requestId = validGuid(req.headers['x-request-id']) ?? randomUUID();
    let upstream: Upstream;
    try {
      upstream = await forward(server.url, req, body, requestId);
    } catch {
      const message = `Deployment '${name}' did not answer (its inference server is not reachable).`;
      return send(res, 502, { ...json(), 'azureml-model-deployment': name }, JSON.stringify({ message }));
    }
    const headers: Record<string, string> = {
      ...copyHeaders(upstream.headers),
      'azureml-model-deployment': name,
    };
    headers['x-request-id'] = requestId;
    let status = upstream.status;
    if (status !== 200 && managed(deployment)) {
      headers['ms-azureml-model-error-reason'] = 'model_error';
      headers['ms-azureml-model-error-statuscode'] = String(status);
      status = 424;
    }
    send(res, status, headers, upstream.body);
  }

  /** The deployment of that name under the endpoint (ARM names are case-insensitive). */
  private deploymentOf(endpoint: StoredResource, name: string): StoredResource | undefined {
    return this.options.arm.store.get(`${endpoint.id}/deployments/${name}`);
  }

  /** Sends a copy to the mirror deployment; its answer is dropped. */
  private mirror(endpoint: StoredResource, name: string, req: IncomingMessage, body: Buffer): void {
    const deployment = this.deploymentOf(endpoint, name);
    const server = deployment ? this.options.deployments.serverOf(deployment.id) : undefined;
    if (server) void forward(server.url, req, body, randomUUID()).catch(() => undefined);
  }
}

function json(): Record<string, string> {
  return { 'content-type': 'application/json' };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-length': String(data.length) });
  res.end(data);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function copyHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    copy[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return copy;
}

/** Azure ML replaces an `x-request-id` that is not a GUID with one of its own. */
function validGuid(value: string | string[] | undefined): string | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  return id && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : undefined;
}

function managed(deployment: StoredResource): boolean {
  const props = isObject(deployment.body['properties']) ? deployment.body['properties'] : {};
  return String(props['endpointComputeType'] ?? 'Managed').toLowerCase() !== 'kubernetes';
}

/** The request as the inference server gets it: same method, path and body; no credentials. */
function forward(baseUrl: string, req: IncomingMessage, body: Buffer, requestId: string): Promise<Upstream> {
  const headers = copyHeaders(req.headers);
  delete headers['authorization'];
  headers['x-request-id'] = requestId;
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const upstream = request(
      new URL(req.url ?? '/', baseUrl),
      { method: req.method, headers, timeout: 60_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', reject);
    upstream.end(body);
  });
}
