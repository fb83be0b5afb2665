import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { unavailability } from '../../database/database-errors.js';
import { DomainError, type ErrorKind } from '../../domain/errors.js';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  [extra: string]: unknown;
}

const CODES_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
};

/** The one mapping from the domain's kinds of failure to HTTP. */
export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unsupported_media_type: 415,
  rule_broken: 422,
  unavailable: 503,
  busy: 503,
};

/** Fastify's own errors (body parsing, limits) carry a statusCode and an FST_ code. */
function fastifyError(e: unknown): ErrorBody | undefined {
  const err = e as { statusCode?: number; code?: string };
  if (typeof err?.statusCode !== 'number' || err.statusCode >= 500 || typeof err.code !== 'string') return undefined;
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || /JSON/.test(err.code))
    return { statusCode: 400, code: 'malformed_json', message: 'the body is not valid JSON' };
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { statusCode: 413, code: 'payload_too_large', message: 'the body is too large' };
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { statusCode: 415, code: 'unsupported_media_type', message: 'send application/json' };
  return { statusCode: err.statusCode, code: CODES_BY_STATUS[err.statusCode] ?? 'bad_request', message: 'the request was refused' };
}

/** The one place where errors become HTTP answers. Unknown errors answer a generic 500: no stack, no SQL. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode === 503) {
      this.logger.warn(`answered 503 ${body.code}`);
    } else if (body.statusCode >= 500) {
      // the name and stack only: messages of driver errors can quote the data
      const e = exception as Error;
      this.logger.error(`unhandled ${e?.name ?? typeof exception}`, e?.stack?.split('\n').slice(1, 6).join('\n'));
    }
    const retryAfter = typeof body.retryAfterSeconds === 'number' ? body.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
    // RFC 6750: a 401 names the scheme the caller should use
    if (body.statusCode === 401) void reply.header('www-authenticate', 'Bearer');
    void reply.status(body.statusCode).header('cache-control', 'no-store').send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    const busy = unavailability(exception);
    // load and database outages are not failures of the request: answered 503 with a time to retry
    if (busy)
      return {
        statusCode: 503,
        code: busy.code,
        message: busy.code === 'service_busy' ? 'the service is busy; retry shortly' : 'the database is unavailable; retry shortly',
        retryAfterSeconds: busy.retryAfterSeconds,
      };
    if (exception instanceof DomainError) {
      return { statusCode: STATUS_BY_KIND[exception.kind], code: exception.code, message: exception.message, ...(exception.details ?? {}) };
    }
    const fst = fastifyError(exception);
    if (fst) return fst;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // the Fastify adapter hands body-parser failures over as HTTP exceptions
      if (status === 400 && /JSON/i.test(exception.message))
        return { statusCode: 400, code: 'malformed_json', message: 'the body is not valid JSON' };
      const res = exception.getResponse();
      const message =
        typeof res === 'object' && res && 'message' in res && typeof (res as { message: unknown }).message === 'string'
          ? (res as { message: string }).message
          : exception.message;
      return {
        statusCode: status,
        code: CODES_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'),
        message: status >= 500 ? 'internal error' : message,
      };
    }
    return { statusCode: 500, code: 'internal_error', message: 'internal error' };
  }
}
