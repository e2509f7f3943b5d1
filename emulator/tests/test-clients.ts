/** What the emulator tests use to reach the emulator: a service principal's credential and a raw JSON call. */
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import type { Emulator } from '../emulator';

/** A client-secret credential that signs in at the emulator's AAD (as the default app unless told otherwise). */
export function emulatorCredential(
  emulator: Emulator,
  clientId = emulator.clientId,
  secret = emulator.clientSecret,
): ClientSecretCredential {
  return new ClientSecretCredential(emulator.tenantId, clientId, secret, {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: emulator.tlsOptions,
  });
}

/** A raw HTTPS call to the emulator, JSON in and out, with a bearer token when one is given. */
export async function requestJson(
  emulator: Emulator,
  method: string,
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { status, body } = await requestWithHeaders(emulator, method, url, options);
  return { status, body };
}

/** `requestJson`, with the response headers. */
export function requestWithHeaders(
  emulator: Emulator,
  method: string,
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      url,
      {
        method,
        ca: emulator.caPem,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            headers: res.headers,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
