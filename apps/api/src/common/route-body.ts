import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, RouteOptions } from 'fastify';

// Fastify's way to type a route's `config`: what @BodyLimit() puts there.
declare module 'fastify' {
  interface FastifyContextConfig {
    bodyLimit?: number;
  }
}

/** A route's own request body limit (instead of the app-wide BODY_LIMIT_BYTES); see applyRouteBodyLimits. */
export function BodyLimit(bytes: number): MethodDecorator {
  return RouteConfig({ bodyLimit: bytes });
}

/** Makes Fastify use the limits set with @BodyLimit(); call before the routes are registered (app.init). */
export function applyRouteBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const limit = route.config?.bodyLimit;
    if (typeof limit === 'number') route.bodyLimit = limit;
  });
}

/**
 * The parsed request body, untouched by the global validation pipe (it leaves 'custom' parameters
 * alone): for handlers that validate parts of the body themselves.
 */
export const UnvalidatedBody = createParamDecorator(
  (_: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<{ body?: unknown }>().body,
);
