import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { ZodType } from 'zod';
import { TongbanError, invalidRequest } from '../errors.js';
import { jsonDepthExceeds } from '../json/bounded-json.js';

export const DEFAULT_JSON_LIMIT = 1024 * 1024;
export const MAX_JSON_DEPTH = 32;

async function readBytes(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new TongbanError('PAYLOAD_TOO_LARGE', `request body exceeds ${limit} bytes`, 413);
  }
  const encoding = ctx.get('content-encoding');
  if (encoding && encoding !== 'identity') throw new TongbanError('UNSUPPORTED_ENCODING', `content-encoding ${encoding} is not accepted`, 415);
  try {
    return await getRawBody(ctx.req, { limit });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new TongbanError('PAYLOAD_TOO_LARGE', `request body exceeds ${limit} bytes`, 413);
    throw new TongbanError('BAD_REQUEST_BODY', 'the request body could not be read', 400);
  }
}

/** Reads a JSON body and validates it against the route's schema; every failure is a 4xx. */
export async function readJsonBody(ctx: Context, schema: ZodType, limit = DEFAULT_JSON_LIMIT): Promise<unknown> {
  if (!ctx.is('application/json')) {
    throw new TongbanError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', 415);
  }
  const bytes = await readBytes(ctx, limit);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidRequest('the body is not valid UTF-8');
  }
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw invalidRequest(`JSON nesting deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TongbanError('MALFORMED_JSON', `the body is not valid JSON: ${(error as Error).message}`, 400);
  }
  const unstorable = unstorableText(value);
  if (unstorable) throw invalidRequest(`the body holds text that cannot be stored: ${unstorable}`);
  return validate(schema, value, 'body');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * JSON may carry U+0000 and unpaired surrogates (as \u escapes), but PostgreSQL text and jsonb
 * cannot hold them; refused here, once, for every route, rather than as a database error (a 500).
 * The depth was bounded before parsing, so the walk is bounded too.
 */
function unstorableText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return 'a NUL character';
    if (LONE_SURROGATE.test(value)) return 'an unpaired UTF-16 surrogate';
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = unstorableText(key) ?? unstorableText(item);
      if (problem) return problem;
    }
  }
  return undefined;
}

export function validate(schema: ZodType, value: unknown, where: string): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw invalidRequest(`invalid ${where}: ${first ? `${first.path || '(root)'}: ${first.message}` : 'does not match the schema'}`, { issues });
}

export async function readBinaryBody(ctx: Context, limit: number): Promise<Buffer> {
  if (!ctx.is('application/octet-stream')) {
    throw new TongbanError('UNSUPPORTED_MEDIA_TYPE', 'send the document as application/octet-stream', 415);
  }
  return readBytes(ctx, limit);
}
