import { request } from 'node:https';
import type { Emulator } from '../../emulator/emulator';
import { resolveCloud } from '../../shared/src/azure/cloud';
import { createCredential } from '../../shared/src/azure/credentials';

/**
 * What Azure DevOps does with an Azure Resource Manager service connection when it calls ARM itself (the classic
 * editor's data sources, an Invoke REST API check): signs in as the connection's service principal, then sends
 * the request with the ARM token.
 */
export async function serviceConnectionToken(emulator: Emulator): Promise<string> {
  const cloud = resolveCloud(undefined, {
    armEndpoint: emulator.armUrl,
    authorityHost: emulator.authorityHost,
  });
  const credential = createCredential(
    {
      kind: 'clientSecret',
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    },
    cloud,
    { tlsOptions: emulator.tlsOptions, addSecret: () => {} },
  );
  return (await credential.getToken(cloud.armScope))!.token;
}

/** One ARM request to the emulator with `token`: its status and body text. */
export function armRequest(
  emulator: Emulator,
  url: string | URL,
  token: string,
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { authorization: `Bearer ${token}` }, ...emulator.tlsOptions },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
