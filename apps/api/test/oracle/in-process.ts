import { randomUUID } from 'node:crypto';
import type { ExecutionContext, INestApplication, PipeTransform, Type } from '@nestjs/common';
import { CUSTOM_ROUTE_ARGS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common/enums/request-method.enum';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { AuthGuard } from '../../src/auth/auth.guard';
import { Authenticator } from '../../src/auth/authenticator.service';
import { mapError } from '../../src/common/error.filter';
import { createValidationPipe } from '../../src/common/validation';

export interface Answer {
  status: number;
  body: Record<string, unknown> & { code?: string };
}

interface ParamSpec {
  index: number;
  type: RouteParamtypes | null;
  data: unknown;
  pipes: (PipeTransform | Type<PipeTransform>)[];
  factory?: (data: unknown, ctx: ExecutionContext) => unknown;
}

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  names: string[];
  instance: Record<string, (...args: unknown[]) => unknown>;
  controller: Type<unknown>;
  handler: string;
  status: number;
  params: ParamSpec[];
  types: unknown[];
}

/**
 * Requests answered inside the process, without a socket: the route's controller method is called with its
 * arguments made as Nest makes them (the global validation pipe on bodies, queries and path parameters, the
 * parameters' own pipes, the custom decorators' factories over a request object), behind the real AuthGuard (the
 * bearer token and the route's roles), and a failure is answered with the exception filter's own mapping
 * (`mapError`). What it leaves out is the transport: the HTTP parser, the JSON body parser, helmet, the rate limit and
 * the Idempotency-Key interceptor (the oracle sends no Idempotency-Key). Every answer goes through JSON as an HTTP
 * answer would.
 */
export class InProcessApi {
  private readonly routes: Route[] = [];
  private readonly validation = createValidationPipe();
  private readonly guard: AuthGuard;

  constructor(app: INestApplication) {
    this.guard = new AuthGuard(app.get(Reflector), app.get(Authenticator));
    for (const module of app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as Type<unknown>;
        const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown>;
        if (!controller || !instance) continue;
        const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
        const proto = controller.prototype as Record<string, unknown>;
        for (const handler of Object.getOwnPropertyNames(proto)) {
          const fn = proto[handler];
          if (handler === 'constructor' || typeof fn !== 'function') continue;
          const path = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
          const verb = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
          if (path === undefined || (verb !== RequestMethod.GET && verb !== RequestMethod.POST)) continue;
          const full = `/${[prefix, path].map((x) => x.replace(/^\/+|\/+$/g, '')).filter((x) => x !== '').join('/')}`;
          const names: string[] = [];
          const pattern = new RegExp(`^${full.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
          const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, Omit<ParamSpec, 'type'>>;
          const params = Object.entries(args).map(([key, spec]) => ({ ...spec, type: key.includes(CUSTOM_ROUTE_ARGS_METADATA) ? null : (Number(key.split(':')[0]) as RouteParamtypes) }));
          const declared = Reflect.getMetadata(HTTP_CODE_METADATA, fn) as number | undefined;
          this.routes.push({
            method: verb === RequestMethod.GET ? 'GET' : 'POST',
            pattern,
            names,
            instance,
            controller,
            handler,
            status: declared ?? (verb === RequestMethod.POST ? 201 : 200),
            params,
            types: (Reflect.getMetadata('design:paramtypes', controller.prototype, handler) ?? []) as unknown[],
          });
        }
      }
    }
  }

  async call(method: 'get' | 'post', url: string, body: object | undefined, token: string): Promise<Answer> {
    const verb = method.toUpperCase();
    const [path, search = ''] = url.split('?');
    const query = Object.fromEntries(new URLSearchParams(search));
    let found: { route: Route; params: Record<string, string> } | null = null;
    for (const route of this.routes) {
      const m = route.method === verb ? route.pattern.exec(path) : null;
      if (m) {
        found = { route, params: Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
        break;
      }
    }
    if (!found) throw new Error(`no in-process route for ${verb} ${path}`);
    const { route, params } = found;
    const response = {
      statusCode: route.status,
      headersSent: false,
      headers: {} as Record<string, string>,
      status(code: number) {
        this.statusCode = code;
        return this;
      },
      setHeader(name: string, value: string) {
        this.headers[name.toLowerCase()] = value;
        return this;
      },
    };
    // JSON in, as the body parser would give it.
    const parsedBody = body === undefined ? {} : (JSON.parse(JSON.stringify(body)) as unknown);
    const request = { id: randomUUID(), method: verb, url, path, originalUrl: url, headers: { authorization: `Bearer ${token}` } as Record<string, string>, params, query, body: parsedBody };
    const context = {
      getType: () => 'http',
      getClass: () => route.controller,
      getHandler: () => (route.controller.prototype as Record<string, unknown>)[route.handler],
      getArgs: () => [request, response],
      getArgByIndex: (i: number) => [request, response][i],
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response, getNext: () => () => undefined }),
    } as unknown as ExecutionContext;
    try {
      await this.guard.canActivate(context);
      const args: unknown[] = [];
      for (const p of route.params) args[p.index] = await this.argument(p, route.types[p.index], request, response, context);
      const result = await route.instance[route.handler](...args);
      const text = result === undefined ? '' : JSON.stringify(result);
      return { status: response.statusCode, body: text === '' ? {} : (JSON.parse(text) as Answer['body']) };
    } catch (error) {
      const mapped = mapError(error);
      const answer: Answer['body'] = { code: mapped.code, message: mapped.message };
      if (mapped.details !== undefined) answer.details = JSON.parse(JSON.stringify(mapped.details)) as unknown;
      return { status: mapped.status, body: answer };
    }
  }

  private async argument(p: ParamSpec, metatype: unknown, request: { body: unknown; query: Record<string, string>; params: Record<string, string> }, response: unknown, context: ExecutionContext): Promise<unknown> {
    if (p.type === null) {
      // A custom decorator (the command context, the principal): its factory over the request, its own pipes only.
      return this.pipe(p, p.factory!(p.data, context), metatype, 'custom');
    }
    switch (p.type) {
      case RouteParamtypes.BODY:
        return this.pipe(p, p.data ? (request.body as Record<string, unknown>)[p.data as string] : request.body, metatype, 'body', true);
      case RouteParamtypes.QUERY:
        return this.pipe(p, p.data ? request.query[p.data as string] : request.query, metatype, 'query', true);
      case RouteParamtypes.PARAM:
        return this.pipe(p, p.data ? request.params[p.data as string] : request.params, metatype, 'param', true);
      case RouteParamtypes.RESPONSE:
        return response;
      case RouteParamtypes.REQUEST:
        return request;
      default:
        throw new Error(`the in-process api does not make parameters of type ${p.type}`);
    }
  }

  private async pipe(p: ParamSpec, value: unknown, metatype: unknown, type: 'body' | 'query' | 'param' | 'custom', global = false): Promise<unknown> {
    const meta = { type, metatype: metatype as Type<unknown>, data: typeof p.data === 'string' ? p.data : undefined };
    let v = global ? await this.validation.transform(value, meta) : value;
    for (const pipe of p.pipes) {
      const instance = typeof pipe === 'function' ? new pipe() : pipe;
      v = await instance.transform(v, meta);
    }
    return v;
  }
}
