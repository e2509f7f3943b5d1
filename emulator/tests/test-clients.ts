/** What the emulator tests use to reach the emulator: a service principal's credential and a raw JSON call. */
import type { IncomingHttpHeaders } from 'node:http';
import { ClientSecretCredential } from '@azure/identity';
import type { Emulator } from '../emulator';
import { httpsCall } from '../https-call';

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
export async function requestWithHeaders(
  emulator: Emulator,
  method: string,
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: IncomingHttpHeaders }> {
  const { status, headers, text } = await httpsCall(emulator.caPem, method, url, options);
  return { status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers };
}
