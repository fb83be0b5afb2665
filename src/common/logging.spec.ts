import { Writable } from 'node:stream';
import { AppLogger, prettyLine, requestContext, requestIdFrom } from './logging.js';

function capture(level = 'verbose', format: 'json' | 'pretty' = 'json') {
  const lines: string[] = [];
  const destination = new Writable({ write: (c, _e, done) => (lines.push(...String(c).split('\n').filter(Boolean)), done()) });
  return { logger: new AppLogger({ format, level, destination }), lines };
}

describe('requestIdFrom', () => {
  it.each([
    ['abc-123', 'abc-123'],
    ['req.2026:01_x', 'req.2026:01_x'],
    [undefined, 'fresh'],
    ['', 'fresh'],
    ["'; DROP TABLE x;--", 'fresh'],
    ['a b', 'fresh'],
    ['x'.repeat(129), 'fresh'],
    [['a', 'b'], 'fresh'],
  ])('%j → %s', (header, expected) => expect(requestIdFrom(header as string | string[] | undefined, () => 'fresh')).toBe(expected));
});

describe('AppLogger', () => {
  it('writes one JSON object per line with time, level, message and context', () => {
    const { logger, lines } = capture();
    logger.log('hello', 'Boot');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', message: 'hello', context: 'Boot', time: expect.stringMatching(/Z$/) });
  });

  it.each([
    ['RoutesResolver', 'debug'],
    ['RouterExplorer', 'debug'],
    ['InstanceLoader', 'debug'],
    ['NestFactory', 'debug'],
    ['HTTP', 'info'],
  ])('start-up chatter of %s is at %s', (context, level) => {
    const { logger, lines } = capture();
    logger.log('Mapped {/x, GET} route', context);
    expect(JSON.parse(lines[0]).level).toBe(level);
    const quiet = capture('log');
    quiet.logger.log('Mapped {/x, GET} route', context);
    expect(quiet.lines).toHaveLength(level === 'info' ? 1 : 0);
  });

  it('keeps structured fields, adds the request id of the request being served, and drops sensitive keys', () => {
    const { logger, lines } = capture();
    requestContext.run({ requestId: 'r-1' }, () =>
      logger.log({ message: 'GET /x 200', status: 200, body: { a: 1 }, address: 'Via X', token: 't' }, 'HTTP'),
    );
    const rec = JSON.parse(lines[0]);
    expect(rec).toMatchObject({ message: 'GET /x 200', status: 200, requestId: 'r-1', context: 'HTTP' });
    expect(rec).not.toHaveProperty('body');
    expect(rec).not.toHaveProperty('address');
    expect(rec).not.toHaveProperty('token');
  });

  it('logs an Error by its name and frames, not its message (driver messages can quote data)', () => {
    const { logger, lines } = capture();
    logger.error(new Error('duplicate key (name)=(Casa Segreta)'), 'Errors');
    expect(lines[0]).not.toContain('Casa Segreta');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', message: 'Error' });
  });

  it('error(message, stack, context) keeps the stack as a field', () => {
    const { logger, lines } = capture();
    logger.error('unhandled TypeError', 'at x (y.ts:1)', 'Errors');
    expect(JSON.parse(lines[0])).toMatchObject({ message: 'unhandled TypeError', stack: 'at x (y.ts:1)', context: 'Errors' });
  });

  it('pretty: one readable line', () => {
    const { logger, lines } = capture('log', 'pretty');
    logger.warn('answered 503 service_busy', 'Errors');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[Errors\] answered 503 service_busy$/);
  });
});

describe('prettyLine', () => {
  it('puts time, level, context, message, request id, then the other fields', () => {
    expect(
      prettyLine({
        time: '2026-11-30T23:00:01.234Z',
        level: 'info',
        service: 'approdo',
        context: 'HTTP',
        message: 'GET /x 200',
        requestId: 'r1',
        durationMs: 3,
      }),
    ).toBe('23:00:01.234 INFO  [HTTP] GET /x 200 (r1) durationMs=3');
  });
});
