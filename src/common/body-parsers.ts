import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';

/** Route config flag: the route takes a `text/csv` body (as a string). */
export const ACCEPTS_CSV = 'acceptsCsv';
/** Marks a route that reads a CSV body; every other route refuses one with 415. */
export const AcceptsCsv = () => RouteConfig({ [ACCEPTS_CSV]: true });
/** Route config flag: the route takes an `application/x-www-form-urlencoded` body (as URLSearchParams). */
export const ACCEPTS_FORM = 'acceptsForm';
/** Marks a route that reads a form-encoded body (a provider's back-channel logout); every other route refuses one with 415. */
export const AcceptsForm = () => RouteConfig({ [ACCEPTS_FORM]: true });

const JSON_TYPE = /^application\/(?:[a-z0-9.!#$&^_-]+\+)?json$/;
const CSV_TYPE = /^(?:text\/csv|application\/csv)$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The media type without its parameters, lower-cased ('' when absent). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

export type BodyKind = 'empty' | 'json' | 'csv' | 'form' | 'unsupported';

/** Pure: what a body is, from its media type, its length and whether the route reads CSV (or a form). */
export function bodyKind(mediaType: string, length: number, routeAcceptsCsv: boolean, routeAcceptsForm = false): BodyKind {
  // a POST without a body is fine whatever its Content-Type (confirm, accept, withdraw…)
  if (length === 0) return 'empty';
  if (JSON_TYPE.test(mediaType)) return 'json';
  if (routeAcceptsCsv && CSV_TYPE.test(mediaType)) return 'csv';
  if (routeAcceptsForm && mediaType === FORM_TYPE) return 'form';
  return 'unsupported';
}

export const unsupportedMediaType = (routeAcceptsCsv = false, routeAcceptsForm = false) =>
  new DomainError(
    'unsupported_media_type',
    'unsupported_media_type',
    routeAcceptsCsv ? 'send text/csv' : routeAcceptsForm ? `send ${FORM_TYPE}` : 'send application/json',
  );

/**
 * One body parser for every content type, registered before Nest would add its own (JSON and
 * form-encoded): JSON is parsed with Fastify's own parser (prototype poisoning refused), an empty
 * body is no body, CSV reaches only the routes marked `@AcceptsCsv()`, a form only those marked `@AcceptsForm()`,
 * anything else is 415.
 */
export function registerBodyParsers(app: NestFastifyApplication, bodyLimit: number, csvBodyLimit = bodyLimit): void {
  const fastify = app.getHttpAdapter().getInstance();
  // a region's spreadsheet is larger than any JSON body: only the CSV routes read that much
  fastify.addHook('onRoute', (route) => {
    if ((route.config as unknown as Record<string, unknown> | undefined)?.[ACCEPTS_CSV] === true) route.bodyLimit = csvBodyLimit;
  });
  // Fastify's built-in JSON and text/plain parsers would take precedence over the catch-all
  fastify.removeAllContentTypeParsers();
  const json = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('*', { bodyLimit }, (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const routeConfig = req.routeOptions?.config as unknown as Record<string, unknown> | undefined;
    const acceptsCsv = routeConfig?.[ACCEPTS_CSV] === true;
    const acceptsForm = routeConfig?.[ACCEPTS_FORM] === true;
    switch (bodyKind(mediaTypeOf(req.headers['content-type']), body.length, acceptsCsv, acceptsForm)) {
      case 'empty':
        return done(null, undefined);
      case 'json':
        return json(req, body.toString('utf8'), done);
      case 'csv':
        return done(null, body.toString('utf8'));
      case 'form':
        // URLSearchParams, not an object: no key of a form can reach a prototype
        return done(null, new URLSearchParams(body.toString('utf8')));
      default:
        return done(unsupportedMediaType(acceptsCsv, acceptsForm));
    }
  });
}
