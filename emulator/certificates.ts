/**
 * A throw-away certificate authority and a server certificate for the emulator's HTTPS listener.
 *
 * Generated with `openssl` at start (EC P-256 keys: a few milliseconds each). The server certificate is valid
 * for `localhost` and `127.0.0.1` (subjectAltName) and is signed by the CA, so clients only need to trust the CA:
 *  - child processes (bundled tasks/actions): `NODE_EXTRA_CA_CERTS=<caPath>` (read by node at process start);
 *  - in-process SDK clients (jest): `tlsOptions: { ca: caPem }` in the client options. `tlsOptions` is part of
 *    `PipelineOptions` in @azure/core-rest-pipeline (>= 1.13; 1.24 here): it adds the `tlsPolicy`, which sets
 *    `request.tlsSettings`, and the node HTTP client builds an `https.Agent` from them. Both
 *    `@azure/identity` credentials (their options extend `CommonClientOptions`, and MSAL's network calls go
 *    through the same pipeline) and ARM clients such as `AzureMachineLearningWorkspaces` accept it.
 *    Note that `ca` *replaces* the default trust store for that client, which is what we want for 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EmulatorCertificates {
  /** Temp directory holding the files below; removed by `dispose()`. */
  dir: string;
  caPath: string;
  caPem: string;
  certPath: string;
  certPem: string;
  keyPath: string;
  keyPem: string;
  dispose(): void;
}

const OPENSSL = process.env['OPENSSL'] ?? 'openssl';

function openssl(args: string[], cwd: string): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates a CA and a `localhost`/`127.0.0.1` server certificate signed by it in a new temp directory. */
export function createCertificates(): EmulatorCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'azure-emulator-tls-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=Azure Emulator Test CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    openssl(
      ['req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'],
      dir,
    );
    writeFileSync(
      join(dir, 'server.ext'),
      [
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        '',
      ].join('\n'),
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        '-days',
        '2',
        '-extfile',
        'server.ext',
      ],
      dir,
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const caPath = join(dir, 'ca.pem');
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server.key');
  return {
    dir,
    caPath,
    caPem: readFileSync(caPath, 'utf8'),
    certPath,
    certPem: readFileSync(certPath, 'utf8'),
    keyPath,
    keyPem: readFileSync(keyPath, 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ClientCertificate {
  certPem: string;
  keyPem: string;
  /** Certificate and private key in one PEM (what `ClientCertificateCredential` takes as `certificate`). */
  pem: string;
}

/** A self-signed RSA-2048 client certificate for certificate credentials (`registerApp({ certificatePem })`). */
export function createClientCertificate(commonName = 'azure-emulator-client'): ClientCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'azure-emulator-client-'));
  try {
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        `/CN=${commonName}`,
      ],
      dir,
    );
    const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
    return { certPem, keyPem, pem: `${keyPem}${certPem}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
