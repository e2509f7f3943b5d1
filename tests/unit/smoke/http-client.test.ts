import { execFileSync, spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ScoringClient } from '../../../shared/src/smoke/http-client';
import { CancelledError } from '../../../shared/src/step/errors';
import { startScoringServer, type ScoringServer } from '../../servers/scoring-servers';
import { tempFiles } from './helpers';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A server that records what it receives and counts connections. */
async function recordingServer(
  answer: (seen: Seen, response: http.ServerResponse) => void = (_s, r) => r.end('[1]'),
) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const entry = { method: request.method, url: request.url, headers: request.headers, body };
      seen.push(entry);
      answer(entry, response);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    server,
  };
}

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ScoringClient', () => {
  it('posts the body with JSON, bearer and deployment headers, and reports status, body and duration', async () => {
    const target = await recordingServer((_seen, response) => {
      response.writeHead(201, { 'x-ms-request-id': 'abc' });
      response.end('{"ok":true}');
    });
    const client = new ScoringClient(`${target.url}/score?verbose=1`, {
      timeoutMs: 5000,
      key: 'k3y-value',
      deploymentName: 'green',
    });
    try {
      const result = await client.send('{"data": [[1]]}');
      expect(result).toMatchObject({
        kind: 'answer',
        status: 201,
        body: '{"ok":true}',
        headers: { 'x-ms-request-id': 'abc' },
      });
      expect(result.durationMs).toBeGreaterThan(0);
      expect(target.seen[0]).toMatchObject({
        method: 'POST',
        url: '/score?verbose=1',
        body: '{"data": [[1]]}',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer k3y-value',
          'azureml-model-deployment': 'green',
          'content-length': '15',
        },
      });
    } finally {
      client.close();
      await target.close();
    }
  });

  it('sends no Authorization or deployment header when not given', async () => {
    const target = await recordingServer();
    const client = new ScoringClient(`${target.url}/score`, { timeoutMs: 5000 });
    try {
      await client.send('{}');
      expect(target.seen[0]!.headers.authorization).toBeUndefined();
      expect(target.seen[0]!.headers['azureml-model-deployment']).toBeUndefined();
    } finally {
      client.close();
      await target.close();
    }
  });

  it('keeps connections alive across requests', async () => {
    const target = await recordingServer();
    const client = new ScoringClient(`${target.url}/score`, { timeoutMs: 5000, maxSockets: 2 });
    try {
      for (let i = 0; i < 5; i++) await client.send('{}');
      await Promise.all([client.send('{}'), client.send('{}'), client.send('{}'), client.send('{}')]);
      expect(target.seen).toHaveLength(9);
      expect(target.connections()).toBe(2);
    } finally {
      client.close();
      await target.close();
    }
  });

  it('reports a refused connection as a result, not a throw', async () => {
    const client = new ScoringClient(`http://127.0.0.1:${await closedPort()}/score`, { timeoutMs: 5000 });
    const result = await client.send('{}');
    client.close();
    expect(result).toMatchObject({
      kind: 'failure',
      code: 'ECONNREFUSED',
      message: 'connection refused (ECONNREFUSED)',
    });
  });

  it('times out a request that is not answered in time', async () => {
    const server = await startScoringServer('slow', { delayMs: 2000 });
    const client = new ScoringClient(server.scoringUri, { timeoutMs: 100 });
    try {
      const result = await client.send('{"input_data": {"columns": ["Humidity"], "data": [[90]]}}');
      expect(result).toMatchObject({ kind: 'failure', code: 'ETIMEDOUT', message: 'no answer within 0.1 s' });
      expect(result.durationMs).toBeGreaterThanOrEqual(90);
      expect(result.durationMs).toBeLessThan(1500);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('reports a connection dropped mid-answer', async () => {
    const target = await recordingServer((_seen, response) => {
      response.writeHead(200, { 'Content-Length': '100' });
      response.write('[1, 0');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    const client = new ScoringClient(`${target.url}/score`, { timeoutMs: 5000 });
    try {
      expect(await client.send('{}')).toMatchObject({ kind: 'failure', code: 'ECONNRESET' });
    } finally {
      client.close();
      await target.close();
    }
  });

  it('reconnects after the server closed an idle kept-alive socket', async () => {
    const target = await recordingServer();
    target.server.keepAliveTimeout = 50;
    const client = new ScoringClient(`${target.url}/score`, { timeoutMs: 5000 });
    try {
      expect(await client.send('{}')).toMatchObject({ status: 200 });
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await client.send('{}')).toMatchObject({ status: 200 });
    } finally {
      client.close();
      await target.close();
    }
  });

  it('rejects with CancelledError when the signal fires', async () => {
    const server = await startScoringServer('slow', { delayMs: 2000 });
    const client = new ScoringClient(server.scoringUri, { timeoutMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    try {
      await expect(client.send('{}', controller.signal)).rejects.toThrow(CancelledError);
      await expect(client.send('{}', controller.signal)).rejects.toThrow(CancelledError);
    } finally {
      client.close();
      await server.close();
    }
  });

  const openssl = spawnSync('openssl', ['version']).status === 0;
  (openssl ? describe : describe.skip)('over HTTPS with a self-signed certificate', () => {
    let dir: string;
    let server: ScoringServer;
    beforeAll(async () => {
      dir = tempFiles({});
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const { readFileSync } = await import('node:fs');
      server = await startScoringServer('correct', {
        key: 'tls-key-value',
        tls: {
          cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
          key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
        },
      });
    });
    afterAll(() => server.close());

    // NODE_EXTRA_CA_CERTS is read when a process starts, as it is for the bundles: run the client in a child.
    const sendFromChild = async (extraCa: string | undefined) => {
      const script = [
        `const { ScoringClient } = require(${JSON.stringify(path.resolve(__dirname, '../../../shared/src/smoke/http-client.ts'))});`,
        `const client = new ScoringClient(${JSON.stringify(server.scoringUri)}, { timeoutMs: 5000, key: 'tls-key-value' });`,
        `client.send(JSON.stringify({ input_data: { columns: ['Humidity'], data: [[95], [10]] } }))`,
        `  .then((r) => { client.close(); process.stdout.write(JSON.stringify({ kind: r.kind, status: r.status, body: r.body, code: r.code })); });`,
      ].join('\n');
      const { spawn } = await import('node:child_process');
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
        env,
        cwd: path.resolve(__dirname, '../../..'),
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      await new Promise((resolve) => child.on('close', resolve));
      if (!out) throw new Error(err);
      return JSON.parse(out) as { kind: string; status?: number; body?: string; code?: string };
    };

    it('trusts the certificate through NODE_EXTRA_CA_CERTS', async () => {
      expect(await sendFromChild(path.join(dir, 'cert.pem'))).toEqual({
        kind: 'answer',
        status: 200,
        body: '[1,0]',
      });
    });

    it('reports an untrusted certificate as a connection failure', async () => {
      const result = await sendFromChild(undefined);
      expect(result.kind).toBe('failure');
      expect(result.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    });
  });
});
