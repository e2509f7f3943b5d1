// The part of the Azure CLI a credential uses after `az login` (azure/login leaves such a session behind):
// `az account get-access-token --output json --resource <r> [--tenant <t>]`. The session (written by
// azure-cli.ts into AZURE_CONFIG_DIR) holds a service principal; tokens come from the emulator's AAD, as the
// real CLI gets them from Entra ID through MSAL. Output and errors follow the real CLI's.
'use strict';
const { readFileSync } = require('node:fs');
const https = require('node:https');
const { join } = require('node:path');
const { URLSearchParams } = require('node:url');

function fail(message) {
  process.stderr.write(`ERROR: ${message}\n`);
  process.exit(1);
}

function option(args, name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function readSession() {
  const dir = process.env.AZURE_CONFIG_DIR;
  try {
    return JSON.parse(readFileSync(join(dir ?? '', 'emulator-session.json'), 'utf8'));
  } catch {
    return fail("Please run 'az login' to setup account.");
  }
}

function post(url, form, ca) {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const request = https.request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () =>
          resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function getAccessToken(args) {
  const session = readSession();
  const resource = (option(args, '--resource') ?? 'https://management.core.windows.net/').replace(/\/+$/, '');
  const tenant = option(args, '--tenant') ?? session.tenantId;
  const reply = await post(
    `${session.authorityHost}/${tenant}/oauth2/v2.0/token`,
    {
      grant_type: 'client_credentials',
      client_id: session.clientId,
      client_secret: session.clientSecret,
      scope: `${resource}/.default`,
    },
    readFileSync(session.caPath, 'utf8'),
  );
  const answer = JSON.parse(reply.text);
  if (reply.status !== 200) {
    // The CLI prints MSAL's error description and the way out.
    fail(
      `${answer.error_description ?? reply.text}\nTo re-authenticate, please run:\naz login --scope ${resource}/.default`,
    );
  }
  const expiresOn = Math.floor(Date.now() / 1000) + Number(answer.expires_in);
  const local = new Date(expiresOn * 1000).toISOString().replace('T', ' ').replace('Z', '000');
  process.stdout.write(
    `${JSON.stringify(
      {
        accessToken: answer.access_token,
        expiresOn: local,
        expires_on: expiresOn,
        subscription: session.subscriptionId,
        tenant,
        tokenType: 'Bearer',
      },
      null,
      2,
    )}\n`,
  );
}

const args = process.argv.slice(2);
if (args[0] === 'account' && args[1] === 'get-access-token') {
  getAccessToken(args).catch((error) => fail(String(error && error.message)));
} else if (args[0] === 'account' && args[1] === 'show') {
  const session = readSession();
  process.stdout.write(
    `${JSON.stringify({ id: session.subscriptionId, tenantId: session.tenantId, user: { name: session.clientId, type: 'servicePrincipal' } }, null, 2)}\n`,
  );
} else {
  fail(`'${args.join(' ')}' is not emulated: only 'account get-access-token' and 'account show'.`);
}
