/**
 * GET /api/v1/events — the live event stream (server-sent events), for the pages and any client.
 *
 * Authenticated like every route (bearer token, or the pages' session); each caller receives only
 * what the access policy lets it read:
 *   - `proposal`     {"id","requestId","facilityId","status"}  the UOR of the request's region, the
 *                    facility's managers, admin. Sent when a proposal is made and at each status change
 *                    (pending, accepted, admitted, declined, expired, withdrawn).
 *   - `request`      {"id","status"}  the UOR of its region, admin. Sent when opened and at each status change.
 *   - `availability` {"facilityId","version","places":[{"kind","free"}],"confirmedAt","acceptingNewGuests"}
 *                    everyone who can see the facility (managers: their own; UOR, national, admin: all).
 *                    Sent when free places, the version, the confirmation or intake change (holds included).
 *   - `reset`        {}  the stream cannot tell what was missed (Last-Event-ID too old, unknown, or the gap
 *                    too long), or a bulk change (one transaction touching more than 200 facilities, an
 *                    import): reload what the page shows from the API, then keep listening.
 * Never a profile, a case code, an address or a note. Read the API for details.
 *
 * Every event has an `id` (increasing in commit order). Reconnecting with the `Last-Event-ID` header
 * (EventSource does it by itself; or `?lastEventId=` on a new EventSource) replays exactly what was
 * missed, in order, for at least EVENTS_RETENTION_HOURS (default 48 h). A new stream starts with
 * `retry:` and an `id:` line, so even a stream that received nothing resumes from where it began.
 * A comment line `: ping` comes every 25 s. A client that does not read fast enough is disconnected
 * (it reconnects and replays). At most EVENTS_MAX_STREAMS_PER_MEMBER streams per caller per instance:
 * past that, 503 `service_busy` with Retry-After. Streams end when the instance shuts down.
 */
import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/openapi.js';
import { EventsService } from './events.service.js';

@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({ summary: 'Live changes the caller may see (text/event-stream): proposal, request, availability, reset' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'an endless stream of `id:`, `event:` and one-line JSON `data:` fields (see the controller)',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiErrors({ 503: ['service_busy'] })
  async stream(
    @CurrentUser() p: Principal,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Headers('last-event-id') header?: string,
    @Query('lastEventId') query?: string,
  ): Promise<void> {
    // the cap is checked before anything is written, so past it the error filter answers 503
    const s = this.events.open(p);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // proxies (nginx) must pass each event on at once
      'x-accel-buffering': 'no',
    });
    // HEAD (Fastify's twin of every GET): the headers, and no endless body
    if (req.method === 'HEAD') {
      this.events.close(s);
      return void res.end();
    }
    res.socket?.setNoDelay(true);
    res.socket?.setTimeout(0);
    req.raw.once('close', () => this.events.close(s));
    try {
      await this.events.attach(
        s,
        { write: (t) => res.write(t), buffered: () => res.writableLength, end: () => res.end(), abort: () => res.destroy() },
        header ?? (query === undefined ? undefined : String(query)),
      );
    } catch {
      // the replay could not be read (database away): the client reconnects and tries again
      this.events.close(s);
    }
  }
}
