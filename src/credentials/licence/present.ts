import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import QRCode from 'qrcode';
import type { JwsAlgorithm } from '../../crypto/algorithms.js';
import { encodeBase64Url } from '../../crypto/base64url.js';
import { keyCurve } from '../../crypto/verify-signature.js';
import { TongbanError } from '../../errors.js';
import { toQrText } from '../qr-text.js';
import { SD_ALG } from './disclosures.js';
import { sdJwtHasher } from './sd-jwt-library.js';
import { parseSdJwt } from './sd-jwt-format.js';

export interface KeyBindingRequest {
  /** The holder's private key (the one whose public JWK the licence carries in `cnf`). */
  privateKey: KeyObject | JsonWebKey;
  nonce: string;
  audience: string;
  /** iat of the KB-JWT; default now. */
  issuedAt?: Date;
}

export interface PresentOptions {
  /** Claim names (`companyName`) or paths (`holder.name`); `holder` discloses every holder claim. */
  disclose: readonly string[];
  keyBinding?: KeyBindingRequest;
}

const HOLDER_ALGORITHMS: Record<string, { alg: JwsAlgorithm; hash: 'sha256' | 'sha384' | null }> = {
  prime256v1: { alg: 'ES256', hash: 'sha256' },
  secp384r1: { alg: 'ES384', hash: 'sha384' },
  ed25519: { alg: 'EdDSA', hash: null },
};

function privateKeyOf(key: KeyObject | JsonWebKey): KeyObject {
  try {
    const object = 'type' in key && (key as KeyObject).type === 'private' ? (key as KeyObject) : createPrivateKey({ key: key as never, format: 'jwk' });
    if (object.type !== 'private') throw new Error('not a private key');
    return object;
  } catch {
    throw new TongbanError('INVALID_HOLDER_KEY', 'the holder key is not a usable private key', 400);
  }
}

/** A presentation frame ({companyName: true, holder: {name: true}}) from dotted paths. */
function frameOf(paths: readonly string[]): Record<string, unknown> {
  const frame: Record<string, unknown> = {};
  for (const path of paths) {
    const segments = path.split('.');
    let level = frame;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) level[segment] = true;
      else level = (level[segment] ??= {}) as Record<string, unknown>;
    });
  }
  return frame;
}

/**
 * Makes a presentation of a licence that keeps only the disclosures of the chosen claims (RFC 9901
 * §4: the holder drops the other disclosures; the issuer signature still covers the digests), with an
 * optional key-binding JWT over it (§4.3) for a verifier's nonce and audience. Naming a claim the
 * licence cannot disclose is an error rather than silently showing less than the holder meant.
 */
export async function present(sdJwt: string, options: PresentOptions): Promise<string> {
  const parsed = parseSdJwt(typeof sdJwt === 'string' ? sdJwt.trim() : '');
  if (typeof parsed === 'string') throw new TongbanError('INVALID_CREDENTIAL', `not an SD-JWT: ${parsed}`, 400);
  // A presentation starts from the SD-JWT without any earlier key-binding JWT.
  const issued = parsed.withoutKeyBinding;
  const instance = new SDJwtInstance({ hasher: sdJwtHasher, hashAlg: SD_ALG });
  let presentable: string[];
  try {
    presentable = await instance.presentableKeys(issued);
  } catch {
    throw new TongbanError('INVALID_CREDENTIAL', 'the SD-JWT disclosures cannot be read', 400);
  }
  const chosen = new Set<string>();
  for (const requested of options.disclose.map((p) => p.trim()).filter(Boolean)) {
    const matches = presentable.filter((key) => key === requested || key.startsWith(`${requested}.`));
    if (matches.length === 0) {
      throw new TongbanError('UNKNOWN_CLAIM', `the licence has no selectively disclosable claim "${requested}"; it has: ${presentable.join(', ')}`, 400);
    }
    matches.forEach((m) => chosen.add(m));
  }
  const frame = frameOf([...chosen]);
  if (!options.keyBinding) return instance.present(issued, frame as never);
  const { nonce, audience } = options.keyBinding;
  if (!nonce || !audience) throw new TongbanError('INVALID_KEY_BINDING', 'key binding needs a nonce and an audience', 400);
  const key = privateKeyOf(options.keyBinding.privateKey);
  const algorithm = HOLDER_ALGORITHMS[keyCurve(key) ?? ''];
  if (!algorithm) throw new TongbanError('INVALID_HOLDER_KEY', 'the holder key must be P-256, P-384 or Ed25519', 400);
  const binder = new SDJwtInstance({
    hasher: sdJwtHasher,
    hashAlg: SD_ALG,
    kbSignAlg: algorithm.alg,
    kbSigner: (input: string) => encodeBase64Url(sign(algorithm.hash, Buffer.from(input, 'ascii'), { key, dsaEncoding: 'ieee-p1363' })),
  });
  const iat = Math.floor((options.keyBinding.issuedAt ?? new Date()).getTime() / 1000);
  return binder.present(issued, frame as never, { kb: { payload: { iat, aud: audience, nonce } } });
}

/**
 * The exact text to put in a QR code for a presentation: `TB1:` + Base45(ZLIB(presentation)), the
 * same QR text as health codes (POST /v1/verify decodes it and sees the SD-JWT). Checked to fit one
 * QR code at error-correction level M, so the holder learns at once to disclose fewer claims instead
 * of printing a code no scanner reads.
 */
export function presentationQrText(presentation: string): string {
  const text = toQrText(presentation);
  try {
    QRCode.create(text, { errorCorrectionLevel: 'M' });
  } catch {
    throw new TongbanError('PRESENTATION_TOO_LARGE_FOR_QR', 'the presentation does not fit in a QR code; disclose fewer claims', 400);
  }
  return text;
}
