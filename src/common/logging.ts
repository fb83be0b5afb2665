import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger as Pino } from 'pino';

/**
 * Logs are written through pino: `LOG_FORMAT=json` gives one JSON object per line on stdout
 * (time, level, message, context, and the request id when a request is being served);
 * `LOG_FORMAT=pretty` gives one readable line for a person at a terminal.
 * Log calls pass codes, ids and route templates, never a body, a profile, an address or a token;
 * the redaction below is a second net, not the rule.
 */

/** The request being served (set by the onRequest hook, read by every log line written meanwhile). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

const PINO_LEVEL: Record<LogLevel, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };
/** Nest's start-up chatter (one line per module and per route): debug, not info. */
const BOOTSTRAP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer']);
const REDACTED = ['authorization', 'token', 'body', 'profile', 'person', 'address', 'location', 'secretAddress'];

export interface LoggerOptions {
  format: 'json' | 'pretty';
  /** Nest level name (fatal, error, warn, log, debug, verbose) */
  level: string;
  /** default: stdout */
  destination?: DestinationStream;
}

/** One readable line per JSON record, for a terminal. */
export function prettyLine(record: Record<string, unknown>): string {
  const { time, level, message, context, requestId, ...rest } = record;
  const when = typeof time === 'string' ? time.slice(11, 23) : '';
  const fields = Object.entries(rest)
    .filter(([k]) => k !== 'service')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [when, String(level).toUpperCase().padEnd(5), context ? `[${context}]` : '', message, requestId ? `(${requestId})` : '', ...fields]
    .filter(Boolean)
    .join(' ');
}

function prettyStream(out: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      try {
        out.write(`${prettyLine(JSON.parse(line) as Record<string, unknown>)}\n`);
      } catch {
        out.write(line);
      }
    },
  };
}

export function createPino(o: LoggerOptions): Pino {
  const out = o.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level: PINO_LEVEL[o.level as LogLevel] ?? 'info',
      messageKey: 'message',
      base: { service: 'approdo' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = requestContext.getStore();
        return ctx ? { requestId: ctx.requestId } : {};
      },
      redact: { paths: [...REDACTED, ...REDACTED.map((k) => `*.${k}`)], remove: true },
    },
    o.format === 'pretty' ? prettyStream(out) : out,
  );
}

/** Nest's LoggerService over pino (nestjs-pino needs Node 22; this is the part of it we need). */
export class AppLogger implements LoggerService {
  readonly pino: Pino;

  constructor(o: LoggerOptions | Pino) {
    this.pino = 'format' in o ? createPino(o) : o;
  }

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    // Nest appends the context as the last argument; error() may carry a stack before it
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = level === 'error' && typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    if (level === 'info' && context && BOOTSTRAP_CONTEXTS.has(context)) level = 'debug';
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = { context, ...(stack ? { stack } : {}) };
    if (message instanceof Error) {
      // a driver's message can quote the data: the name and the frames only
      this.pino[level]({ ...fields, error: message.name, stack: message.stack?.split('\n').slice(1, 6).join('\n') }, message.name);
    } else if (message && typeof message === 'object') {
      const { message: text, ...extra } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...extra }, typeof text === 'string' ? text : '');
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `X-Request-Id` when it is a plain token, else a fresh one (never echo hostile text). */
export function requestIdFrom(header: string | string[] | undefined, fresh: () => string): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : fresh();
}
