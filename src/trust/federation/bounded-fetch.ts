/** Limits on fetching anything from a partner: a peer must not be able to hold or flood us. */
export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 10_000, maxBytes: 16 * 1024 * 1024, maxRedirects: 3 };

export type FetchOutcome =
  | { ok: true; status: 200; body: string; bytes: Buffer; etag: string | undefined; url: string }
  | { ok: true; status: 304; url: string }
  | { ok: false; code: 'TRUST_LIST_FETCH_FAILED' | 'TRUST_LIST_TOO_LARGE'; message: string };

const failed = (message: string): FetchOutcome => ({ ok: false, code: 'TRUST_LIST_FETCH_FAILED', message });

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/**
 * GETs a URL with one deadline for the whole exchange (headers and body), a byte cap enforced while
 * streaming (Content-Length is not trusted), redirects followed by hand up to a small count and only
 * to http(s). Never throws.
 */
export async function boundedFetch(
  url: string,
  options: { accept: string; etag?: string | undefined; limits?: FetchLimits; binary?: boolean },
): Promise<FetchOutcome> {
  const limits = options.limits ?? DEFAULT_FETCH_LIMITS;
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      if (!isHttpUrl(current)) return failed(`refusing to fetch ${current.slice(0, 200)}: only http and https`);
      const headers: Record<string, string> = { accept: options.accept };
      if (options.etag) headers['if-none-match'] = options.etag;
      const response = await fetch(current, { redirect: 'manual', signal, headers });
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get('location');
        if (!location) return failed(`redirect ${response.status} without Location`);
        if (hop >= limits.maxRedirects) return failed(`more than ${limits.maxRedirects} redirects`);
        current = new URL(location, current).toString();
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: true, status: 304, url: current };
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        return failed(`HTTP ${response.status} from ${current.slice(0, 200)}`);
      }
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > limits.maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, code: 'TRUST_LIST_TOO_LARGE', message: `response declares ${declared} bytes, the limit is ${limits.maxBytes}` };
      }
      const body = await readCapped(response, limits.maxBytes, options.binary ?? false);
      if (body === 'too large') return { ok: false, code: 'TRUST_LIST_TOO_LARGE', message: `response exceeds ${limits.maxBytes} bytes` };
      if (body === 'not utf-8') return failed('response is not UTF-8 text');
      return { ok: true, status: 200, body: body.text, bytes: body.bytes, etag: response.headers.get('etag') ?? undefined, url: current };
    }
  } catch (error) {
    if (signal.aborted) return failed(`no complete response within ${limits.timeoutMs} ms`);
    return failed(`cannot fetch ${current.slice(0, 200)}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`);
  }
}

async function readCapped(response: Response, maxBytes: number, binary: boolean): Promise<{ text: string; bytes: Buffer } | 'too large' | 'not utf-8'> {
  if (!response.body) return { text: '', bytes: Buffer.alloc(0) };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too large';
    }
    chunks.push(value);
  }
  const bytes = Buffer.concat(chunks);
  if (binary) return { text: '', bytes };
  // fatal: a list is UTF-8 JSON in base64url; anything else is not one and must not be "repaired".
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bytes };
  } catch {
    return 'not utf-8';
  }
}
