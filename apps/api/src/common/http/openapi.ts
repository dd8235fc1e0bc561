import type { INestApplication, Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { ERROR_CODES, HTTP_STATUS_BY_CODE, REFRESH_COOKIE, type ErrorCode } from '@qc/shared';
import { AccessTokenGuard } from './auth.guard';
import { ZodPipe } from './zod.pipe';

// @nestjs/swagger exports the document's type only; its parts are derived from it.
type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ParameterObject = Extract<NonNullable<OperationObject['parameters']>[number], { in: string }>;
type ResponseObject = Extract<OperationObject['responses'][string], { description: string }>;
type SchemaObject = Extract<NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string], { type?: unknown }>;

/** Where the page is served; the JSON document is at `${OPENAPI_PATH}-json` (@nestjs/swagger's default). */
export const OPENAPI_PATH = 'api/docs';
export const BEARER_SCHEME = 'bearer';
export const REFRESH_COOKIE_SCHEME = 'refreshCookie';
export const ERROR_ENVELOPE_SCHEMA = 'ErrorEnvelope';

/**
 * The OpenAPI 3.1 document of every REST route, served at `/api/docs` (a page) and
 * `/api/docs-json`. @nestjs/swagger finds the routes; their parameters and bodies are then
 * described from the very zod schema each route's ZodPipe parses with, so the document
 * cannot drift from what the api accepts, and nobody copies a schema into a DTO class.
 */
export function setupOpenApi(app: INestApplication, version = '0.1.0'): OpenAPIObject {
  const document = buildOpenApiDocument(app, version);
  app.use(`/${OPENAPI_PATH}`, allowInlineStyles);
  SwaggerModule.setup(OPENAPI_PATH, app, document, { customSiteTitle: 'Quantum Chat API' });
  return document;
}

/**
 * Swagger UI's page carries inline `<style>` blocks and style attributes (its icon sprite
 * would otherwise take up a blank band at the top). Its styles only, on its own paths, are
 * let through the site's Content-Security-Policy: scripts stay held to 'self'.
 */
function allowInlineStyles(_req: Request, res: Response, next: NextFunction) {
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp === 'string')
    res.setHeader(
      'Content-Security-Policy',
      csp.replace(/(^|;\s*)style-src(-attr|-elem)?\s+([^;]*)/g, (m: string) =>
        m.includes("'unsafe-inline'") ? m : `${m} 'unsafe-inline'`,
      ),
    );
  next();
}

export function buildOpenApiDocument(app: INestApplication, version = '0.1.0'): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Quantum Chat API')
    .setDescription(
      'REST under /api/v1. Errors are `{ "error": { "code", "message", "details"?, "retryAfterMs"? } }` with the status of their code; ' +
        'a client switches on `code`. Live messaging is over Socket.IO (see the design document), not REST.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addCookieAuth(REFRESH_COOKIE, { type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE }, REFRESH_COOKIE_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => operationId(controllerKey, methodKey),
  });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, [ERROR_ENVELOPE_SCHEMA]: errorEnvelopeSchema() },
  };

  const operations = new Map<string, OperationObject>();
  for (const item of Object.values(document.paths))
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op?.operationId) operations.set(op.operationId, op);
    }
  for (const controller of controllersOf(app))
    for (const methodKey of routeMethodsOf(controller)) {
      const op = operations.get(operationId(controller.name, methodKey));
      if (op) describeOperation(op, controller, methodKey);
    }
  return document;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operationId(controllerKey: string, methodKey: string) {
  return `${controllerKey}_${methodKey}`;
}

function controllersOf(app: INestApplication): Type[] {
  const out = new Set<Type>();
  for (const mod of app.get(ModulesContainer).values())
    for (const wrapper of mod.controllers.values()) if (wrapper.metatype) out.add(wrapper.metatype as Type);
  return [...out];
}

function routeMethodsOf(controller: Type): string[] {
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).filter(
    (k) => k !== 'constructor' && typeof proto[k] === 'function' && Reflect.getMetadata(METHOD_METADATA, proto[k] as object) !== undefined,
  );
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/** The zod schema of a route's `@Body`, `@Query` or `@Param` (the whole object, parsed by one ZodPipe). */
function zodSchemaOf(controller: Type, methodKey: string, kind: RouteParamtypes): ZodTypeAny | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodKey) ?? {}) as Record<string, RouteArg>;
  for (const [key, arg] of Object.entries(args)) {
    if (key.split(':')[0] !== String(kind)) continue;
    const pipe = arg.pipes?.find((p): p is ZodPipe<unknown> => p instanceof ZodPipe);
    if (pipe) return pipe.schema as ZodTypeAny;
  }
  return undefined;
}

const INPUT_KINDS: [RouteParamtypes, string][] = [
  [RouteParamtypes.BODY, 'body'],
  [RouteParamtypes.QUERY, 'query'],
  [RouteParamtypes.PARAM, 'path'],
];

/** Inputs a route reads without a ZodPipe: the document cannot describe them, and nothing validates them. */
function unvalidatedInputs(controller: Type, methodKey: string): string[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodKey) ?? {}) as Record<string, RouteArg>;
  return INPUT_KINDS.filter(([kind]) =>
    Object.entries(args).some(([key, arg]) => key.split(':')[0] === String(kind) && !arg.pipes?.some((p) => p instanceof ZodPipe)),
  ).map(([, name]) => name);
}

/** JSON Schema of what a client sends (the input side of transforms and defaults). */
export function jsonSchemaOf(schema: ZodTypeAny): SchemaObject {
  const out = zodToJsonSchema(schema, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    effectStrategy: 'input',
    // userText() normalises, then checks: the checked side carries the limits a client must meet.
    pipeStrategy: 'output',
  }) as Record<string, unknown>;
  delete out.$schema;
  return out as SchemaObject;
}

function isSecured(controller: Type, methodKey: string): boolean {
  const guards = [
    ...((Reflect.getMetadata(GUARDS_METADATA, controller) ?? []) as unknown[]),
    ...((Reflect.getMetadata(GUARDS_METADATA, (controller.prototype as Record<string, object>)[methodKey]!) ?? []) as unknown[]),
  ];
  return guards.includes(AccessTokenGuard);
}

function describeOperation(op: OperationObject, controller: Type, methodKey: string) {
  op.tags = op.tags?.length ? op.tags : [controller.name.replace(/Controller$/, '').toLowerCase()];

  const params = zodSchemaOf(controller, methodKey, RouteParamtypes.PARAM);
  const query = zodSchemaOf(controller, methodKey, RouteParamtypes.QUERY);
  const body = zodSchemaOf(controller, methodKey, RouteParamtypes.BODY);
  // What swagger guessed from an unnamed @Param()/@Query() (the TypeScript type, gone at runtime) is replaced.
  const kept = ((op.parameters ?? []) as ParameterObject[]).filter(
    (p) => !(p.in === 'path' && params) && !(p.in === 'query' && query) && p.name !== '',
  );
  op.parameters = [...kept, ...(params ? parametersOf(params, 'path') : []), ...(query ? parametersOf(query, 'query') : [])];
  if (body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchemaOf(body) } } };
  // Said in the document, so a route that skips its shared schema shows, and the route spec fails on it.
  const unvalidated = unvalidatedInputs(controller, methodKey);
  if (unvalidated.length) (op as unknown as Record<string, unknown>)['x-unvalidated'] = unvalidated;

  const secured = isSecured(controller, methodKey);
  if (secured) op.security = [{ [BEARER_SCHEME]: [] }];
  // 401/403/404/409 come from who the caller is and what they name: routes with nobody behind them (health) have none.
  const withCaller = secured || op.security !== undefined || controller.name === 'AuthController';
  op.responses = { ...op.responses, ...errorResponses(withCaller) };
  for (const [status, response] of Object.entries(op.responses))
    if (response && 'description' in response && !response.description) response.description = SUCCESS_TEXT[status] ?? 'OK';
}

const SUCCESS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '204': 'No content' };

function parametersOf(schema: ZodTypeAny, where: 'path' | 'query'): ParameterObject[] {
  const json = jsonSchemaOf(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s as SchemaObject,
  }));
}

function errorEnvelopeSchema(): SchemaObject {
  return {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: [...ERROR_CODES] },
          message: { type: 'string', description: 'For people; may change. Switch on `code`.' },
          details: {
            type: 'array',
            description: 'For VALIDATION: each bad field.',
            items: {
              type: 'object',
              required: ['path', 'message'],
              properties: { path: { type: 'string' }, message: { type: 'string' } },
            },
          },
          retryAfterMs: {
            type: 'integer',
            minimum: 0,
            description: 'For RATE_LIMITED and OVERLOADED: how long to wait before trying again (also the Retry-After header).',
          },
        },
      },
    },
  };
}

const CALLER_STATUSES = new Set([401, 403, 404, 409]);

/** One response per error status, each naming the codes that come with it. */
function errorResponses(withCaller: boolean): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of ERROR_CODES) {
    const status = HTTP_STATUS_BY_CODE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  // A body over the size limit (413) or in a charset or encoding the parser does not read (415), before any route runs.
  byStatus.set(413, ['VALIDATION']);
  byStatus.set(415, ['VALIDATION']);
  const out: Record<string, ResponseObject> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    if (!withCaller && CALLER_STATUSES.has(status)) continue;
    out[String(status)] = {
      description: codes.join(' | '),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: `#/components/schemas/${ERROR_ENVELOPE_SCHEMA}` },
              { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string', enum: codes } } } } },
            ],
          },
        },
      },
    };
  }
  return out;
}
