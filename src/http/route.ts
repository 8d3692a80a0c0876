import type { Context } from 'koa';
import type { ZodType } from 'zod';
import type { Principal } from '../clients/clients.js';
import type { Scope } from '../clients/scopes.js';

/** What a route receives: parsed and validated, with HTTP details kept out of the way. */
export interface RouteRequest<B> {
  body: B;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  /** Present on routes with a scope. */
  principal: Principal | undefined;
  /** For the rare route that needs raw HTTP access (headers, conditional requests). */
  koa: Context;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  /** Content type when `body` is not JSON (a string or Buffer). */
  type?: string;
  headers?: Record<string, string>;
}

export type RouteBody =
  | { kind: 'json'; schema: ZodType }
  | { kind: 'binary'; maxBytes?: number; description: string };

export interface ResponseSpec {
  description: string;
  schema?: ZodType;
  contentType?: string;
}

/**
 * One HTTP endpoint, declared as data: the router, the auth check, body parsing and the OpenAPI
 * document are all derived from this, so the documentation cannot drift from the handler.
 */
export interface RouteSpec<B = any> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** koa-router path syntax, e.g. `/v1/seals/:id/stamp`. */
  path: string;
  summary: string;
  tag: string;
  scope?: Scope;
  body?: RouteBody;
  query?: ZodType;
  responses: Record<number, ResponseSpec>;
  handle(request: RouteRequest<B>): Promise<RouteResponse> | RouteResponse;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): RouteResponse =>
  headers ? { status, body, headers } : { status, body };
