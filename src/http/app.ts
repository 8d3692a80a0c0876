import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import type { Authenticator } from '../clients/clients.js';
import { TongbanError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { readBinaryBody, readJsonBody, validate } from './body.js';
import type { RouteSpec } from './route.js';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  authenticator: Authenticator;
  routes: readonly RouteSpec[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

function renderError(ctx: Context, status: number, code: string, message: string, details?: Record<string, unknown>): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = { error: { code, message, ...(details ? { details } : {}) } };
}

/** Request id, access log, latency metric and the contract's error shape for everything that escapes. */
function frame(deps: AppDeps) {
  return async (ctx: Context, next: Next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', requestId);
    ctx.state.log = deps.logger.child({ requestId });
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) renderError(ctx, 404, 'NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
    } catch (error) {
      if (error instanceof TongbanError) {
        renderError(ctx, error.status, error.code, error.message, error.details);
        if (error.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="tongban"');
      } else {
        ctx.state.log.error({ err: error }, 'unhandled error');
        renderError(ctx, 500, 'INTERNAL_ERROR', `an internal error occurred (request id ${requestId})`);
      }
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      deps.metrics.httpDuration.observe({ method: ctx.method, route: String(route), status: String(ctx.status) }, seconds);
      ctx.state.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 1e4) / 10 }, 'request');
    }
  };
}

async function authorise(ctx: Context, deps: AppDeps, route: RouteSpec) {
  if (!route.scope) return undefined;
  const header = ctx.get('authorization');
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match) throw new TongbanError('UNAUTHORIZED', 'send Authorization: Bearer <token>', 401);
  const principal = await deps.authenticator.authenticate(match[1]!);
  if (!principal) throw new TongbanError('UNAUTHORIZED', 'the bearer token is not valid', 401);
  if (!principal.scopes.has(route.scope)) throw new TongbanError('FORBIDDEN', `this call needs scope ${route.scope}`, 403);
  return principal;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  const router = new Router();
  for (const route of deps.routes) {
    router[route.method](route.path, async (ctx: Context) => {
      const principal = await authorise(ctx, deps, route);
      let body: unknown;
      if (route.body?.kind === 'json') body = await readJsonBody(ctx, route.body.schema);
      else if (route.body?.kind === 'binary') body = await readBinaryBody(ctx, route.body.maxBytes ?? 16 * 1024 * 1024);
      const query = route.query ? (validate(route.query, ctx.query, 'query') as Record<string, string>) : ctx.query;
      const response = await route.handle({ body, params: ctx.params as Record<string, string>, query, principal, koa: ctx });
      ctx.status = response.status;
      for (const [name, value] of Object.entries(response.headers ?? {})) ctx.set(name, value);
      if (response.type) ctx.type = response.type;
      if (response.body !== undefined) ctx.body = response.body;
      else if (response.status === 200 && ctx.body === undefined) ctx.body = {};
    });
  }
  app.use(frame(deps));
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new TongbanError('METHOD_NOT_ALLOWED', 'method not allowed on this path', 405),
      notImplemented: () => new TongbanError('METHOD_NOT_ALLOWED', 'method not supported', 405),
    }),
  );
  return app;
}
