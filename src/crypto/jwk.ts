import { createHash, type KeyObject } from 'node:crypto';

/** The public JWK of a key, members limited to those RFC 7638 §3.2 uses plus nothing private. */
export function publicJwkOf(key: KeyObject): JsonWebKey {
  const jwk = key.export({ format: 'jwk' }) as JsonWebKey;
  if (jwk.kty === 'EC') return { kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
  if (jwk.kty === 'OKP') return { kty: 'OKP', crv: jwk.crv!, x: jwk.x! };
  throw new Error(`unsupported key type ${String(jwk.kty)}`);
}

/** RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  let canonical: string;
  if (jwk.kty === 'EC') canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  else if (jwk.kty === 'OKP') canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  else if (jwk.kty === 'RSA') canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  else throw new Error(`unsupported key type ${String(jwk.kty)}`);
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
