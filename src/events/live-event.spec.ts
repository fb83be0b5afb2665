import type { Principal } from '../auth/principal.js';
import { frame, type LiveEvent, parseLastEventId, visibleTo } from './live-event.js';

const F1 = '11111111-1111-4111-8111-111111111111';
const F2 = '22222222-2222-4222-8222-222222222222';
const ev = (type: LiveEvent['type'], regionCode: string, facilityId: string | null): LiveEvent => ({
  id: 1,
  type,
  regionCode,
  facilityId,
  data: {},
});
const who: Record<string, Principal> = {
  uor07: { sub: 'u', role: 'uor', region: '07', facilities: [] },
  manager1: { sub: 'm', role: 'shelter_manager', facilities: [F1] },
  national: { sub: 'n', role: 'national', facilities: [] },
  admin: { sub: 'a', role: 'admin', facilities: [] },
};

describe('visibleTo (the access policy on stream events)', () => {
  it.each([
    // [caller, event, visible]
    ['uor07', ev('request', '07', null), true],
    ['uor07', ev('request', '09', null), false],
    ['uor07', ev('proposal', '07', F2), true],
    ['uor07', ev('proposal', '09', F1), false],
    ['uor07', ev('availability', '09', F2), true],
    ['manager1', ev('proposal', '09', F1), true],
    ['manager1', ev('proposal', '09', F2), false],
    ['manager1', ev('request', '09', null), false],
    ['manager1', ev('availability', '09', F1), true],
    ['manager1', ev('availability', '09', F2), false],
    ['national', ev('proposal', '07', F1), false],
    ['national', ev('request', '07', null), false],
    ['national', ev('availability', '07', F1), true],
    ['admin', ev('proposal', '07', F1), true],
    ['admin', ev('request', '07', null), true],
    ['national', ev('reset', null as never, null), true],
    ['manager1', ev('reset', null as never, null), true],
  ] as const)('%s on %j → %s', (caller, e, visible) => {
    expect(visibleTo(who[caller], e)).toBe(visible);
  });
});

describe('frames', () => {
  it('writes one event as id, event and a one-line data field', () => {
    const text = frame({ id: 42, type: 'request', regionCode: '07', facilityId: null, data: { id: 'x', status: 'open\nforged' } });
    expect(text).toBe('id: 42\nevent: request\ndata: {"id":"x","status":"open\\nforged"}\n\n');
  });
  it('reads Last-Event-ID', () => {
    expect(parseLastEventId(undefined)).toBeUndefined();
    expect(parseLastEventId('')).toBeUndefined();
    expect(parseLastEventId('17')).toBe(17);
    expect(parseLastEventId('-1')).toBe('invalid');
    expect(parseLastEventId('1e3')).toBe('invalid');
  });
});
