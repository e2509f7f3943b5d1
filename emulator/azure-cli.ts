/**
 * An Azure CLI session for child processes, as `azure/login` leaves one: `env` puts a stand-in `az` first on PATH
 * (azure-cli/az.js: `account get-access-token`, `account show`) and points AZURE_CONFIG_DIR at a session of the
 * given service principal, whose tokens come from the emulator's AAD. Without a session the stand-in answers as
 * the CLI does ("Please run 'az login' to setup account.").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Emulator } from './emulator';

export interface AzureCliSession {
  /** PATH (stand-in first) and AZURE_CONFIG_DIR for the child process. */
  env: Record<string, string>;
  dispose(): void;
}

export function azureCliSession(
  emulator: Emulator,
  login: { clientId?: string; clientSecret?: string; loggedIn?: boolean } = {},
): AzureCliSession {
  const configDir = mkdtempSync(join(tmpdir(), 'azure-cli-'));
  if (login.loggedIn !== false) {
    writeFileSync(
      join(configDir, 'emulator-session.json'),
      JSON.stringify({
        authorityHost: emulator.authorityHost,
        caPath: emulator.caPath,
        tenantId: emulator.tenantId,
        subscriptionId: emulator.subscriptionId,
        clientId: login.clientId ?? emulator.clientId,
        clientSecret: login.clientSecret ?? emulator.clientSecret,
      }),
      { mode: 0o600 },
    );
  }
  return {
    env: {
      PATH: `${join(__dirname, 'azure-cli')}${delimiter}${process.env.PATH ?? ''}`,
      AZURE_CONFIG_DIR: configDir,
    },
    dispose: () => rmSync(configDir, { recursive: true, force: true }),
  };
}
