import { z } from 'zod';
import { errorSchema } from './error-schema.js';
import type { RouteSpec } from './route.js';

/** A schema as OpenAPI wants it; named schemas (zod `.meta({ id })`) are collected into `components`. */
function toOpenApiSchema(schema: z.ZodType, components: Record<string, unknown>): Record<string, unknown> {
  // OpenAPI 3.1 uses JSON Schema 2020-12, which is zod's default target.
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, unknown>;
  delete json.$defs;
  const relocate = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(relocate);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : relocate(v)]),
      );
    }
    return value;
  };
  for (const [name, def] of Object.entries(defs)) components[name] = relocate(def);
  return relocate(json) as Record<string, unknown>;
}

/** The OpenAPI 3.1 document, generated from the same route specs and zod schemas the handlers use. */
export function buildOpenApi(routes: readonly RouteSpec[], info: { version: string; region: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, unknown> = {};
  const schemaOf = (schema: z.ZodType) => toOpenApiSchema(schema, components);
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const contentType = spec.contentType ?? 'application/json';
      responses[status] = {
        description: spec.description,
        ...(spec.schema ? { content: { [contentType]: { schema: schemaOf(spec.schema) } } } : spec.contentType ? { content: { [contentType]: {} } } : {}),
      };
    }
    const errors: Record<string, string> = { '400': 'Invalid request', '413': 'Body too large', '415': 'Unsupported media type' };
    if (route.scope) Object.assign(errors, { '401': 'Missing or unknown bearer token', '403': `Token lacks scope ${route.scope}` });
    for (const [status, description] of Object.entries(errors)) {
      if (!responses[status] && (route.body || status === '401' || status === '403' || status === '400')) {
        responses[status] = { description, content: { 'application/json': { schema: schemaOf(errorSchema) } } };
      }
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      responses,
    };
    if (params.length) operation.parameters = params;
    if (route.query) {
      const q = schemaOf(route.query) as { properties?: Record<string, unknown>; required?: string[] };
      operation.parameters = [
        ...((operation.parameters as unknown[]) ?? []),
        ...Object.entries(q.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: q.required?.includes(name) ?? false, schema })),
      ];
    }
    if (route.scope) operation.security = [{ bearer: [route.scope] }];
    if (route.body?.kind === 'json') operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body.schema) } } };
    if (route.body?.kind === 'binary') {
      operation.requestBody = { required: true, description: route.body.description, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } };
    }
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tongban trust service',
      version: info.version,
      description: `Issues and verifies health codes, electronic licences and seal signatures, and federates trust lists. This node serves region ${info.region}.`,
    },
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API client token or the bootstrap admin token' } } },
    paths,
  };
}
