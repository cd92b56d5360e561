import type { INestApplication, PipeTransform, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { ApiParam } from '@nestjs/swagger';

/** The OpenAPI schema of the values a path pipe accepts: a pipe that validates a path parameter says what it lets through. */
export interface PathParamSchema {
  type: 'string';
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
}

const SCHEMA = Symbol('pathParamSchema');
/** Handlers already documented (several apps in one process, as in tests, share the controller classes). */
const documentedParams = new WeakMap<object, Set<string>>();

/** Marks a pipe (instance or class) with the schema of what it accepts; returns it. */
export function withPathSchema<T extends object>(pipe: T, schema: PathParamSchema): T {
  Object.defineProperty(pipe, SCHEMA, { value: schema, enumerable: false });
  return pipe;
}

function schemaOf(pipe: unknown): PathParamSchema | undefined {
  if (pipe === null || (typeof pipe !== 'object' && typeof pipe !== 'function')) return undefined;
  return (pipe as { [SCHEMA]?: PathParamSchema })[SCHEMA];
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: (PipeTransform | Type<PipeTransform>)[];
}

/**
 * Before the OpenAPI document is made: every `@Param(name, pipe)` whose pipe carries a schema (withPathSchema) is
 * documented with that schema, so the document's path parameters are exactly as strict as their validation, from the
 * pipe's own definition (no second copy of a pattern in the controllers).
 */
export function documentPathParams(app: INestApplication): number {
  let documented = 0;
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller?.prototype) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        if (method === 'constructor' || typeof prototype[method] !== 'function') continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, RouteArg>;
        for (const [key, arg] of Object.entries(args)) {
          if (Number(key.split(':')[0]) !== RouteParamtypes.PARAM || typeof arg.data !== 'string') continue;
          const schema = arg.pipes?.map(schemaOf).find((s) => s !== undefined);
          if (!schema) continue;
          const descriptor = Object.getOwnPropertyDescriptor(prototype, method)!;
          const done = documentedParams.get(descriptor.value as object) ?? new Set<string>();
          documentedParams.set(descriptor.value as object, done);
          if (done.has(arg.data)) continue;
          done.add(arg.data);
          ApiParam({ name: arg.data, required: true, schema })(prototype, method, descriptor);
          documented += 1;
        }
      }
    }
  }
  return documented;
}
