/**
 * A hostile scoring server for the bounds probes (#14): `POST /huge` streams a JSON answer of `hugeBytes` bytes,
 * produced lazily chunk by chunk as the client reads (the server never holds it); `POST /text` answers
 * `[<text>]`. `GET /` is the liveness route, as with the other scoring servers.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';

export interface HostileAnswers {
  readonly url: string;
  /** Bytes of the huge answer the server managed to send before the client stopped reading. */
  readonly hugeBytesSent: number;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

/** `["aaaa…"]` of exactly `total` bytes, made as it is read. */
function lazyJsonAnswer(total: number, counted: (bytes: number) => void): Readable {
  let sent = 0;
  const filler = Buffer.alloc(CHUNK, 'a');
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(CHUNK, total - sent);
      let chunk = size === CHUNK ? filler : filler.subarray(0, size);
      if (sent === 0) chunk = Buffer.concat([Buffer.from('["'), chunk.subarray(2)]);
      if (sent + size === total) chunk = Buffer.concat([chunk.subarray(0, size - 2), Buffer.from('"]')]);
      sent += size;
      counted(sent);
      this.push(chunk);
    },
  });
}

export async function startHostileAnswers(options: {
  hugeBytes: number;
  text: string;
}): Promise<HostileAnswers> {
  const sockets = new Set<Socket>();
  const state = { hugeBytesSent: 0 };
  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'GET') return void response.end('Healthy');
      if (request.url?.startsWith('/huge')) {
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': options.hugeBytes });
        const body = lazyJsonAnswer(options.hugeBytes, (bytes) => (state.hugeBytesSent = bytes));
        body.pipe(response);
        response.on('close', () => body.destroy());
        return;
      }
      const text = JSON.stringify([options.text]);
      response.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      response.end(text);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get hugeBytesSent() {
      return state.hugeBytesSent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
