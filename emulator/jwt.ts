/** Minimal JWT helpers (RS256 signing, RS256/PS256 verification) for the emulator's AAD and OIDC issuers. */
import { constants, createPublicKey, KeyObject, sign, verify, type JsonWebKey } from 'node:crypto';

export type JwtHeader = Record<string, unknown> & { alg?: string; kid?: string; x5t?: string };
export type JwtClaims = Record<string, unknown> & {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
};

export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs `claims` with an RSA private key (RS256). */
export function signRs256(header: JwtHeader, claims: JwtClaims, key: KeyObject): string {
  const signingInput = `${b64({ typ: 'JWT', ...header, alg: 'RS256' })}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), key).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Decodes without verifying; undefined when it is not a JWS compact serialization with JSON parts. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || !header || !payload || signature === undefined) return undefined;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (typeof h !== 'object' || h === null || typeof c !== 'object' || c === null) return undefined;
    return {
      header: h as JwtHeader,
      claims: c as JwtClaims,
      signingInput: `${header}.${payload}`,
      signature: Buffer.from(signature, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** Verifies an RS256 or PS256 signature with a public key (PEM, certificate or JWK). */
export function verifySignature(jwt: DecodedJwt, key: KeyObject | string | JsonWebKey): boolean {
  let publicKey: KeyObject;
  try {
    publicKey =
      typeof key === 'string'
        ? createPublicKey(key)
        : isKeyObject(key)
          ? key
          : createPublicKey({ key, format: 'jwk' });
  } catch {
    return false;
  }
  const data = Buffer.from(jwt.signingInput);
  try {
    if (jwt.header.alg === 'RS256') return verify('sha256', data, publicKey, jwt.signature);
    if (jwt.header.alg === 'PS256') {
      return verify(
        'sha256',
        data,
        {
          key: publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        },
        jwt.signature,
      );
    }
  } catch {
    return false;
  }
  return false;
}

function isKeyObject(key: KeyObject | JsonWebKey): key is KeyObject {
  return key instanceof KeyObject;
}
