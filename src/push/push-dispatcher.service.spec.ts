import { loadConfig } from '../config/app-config.js';
import { EventHub } from '../events/event-hub.service.js';
import type { LiveEvent } from '../events/live-event.js';
import { payloadOf, PushDispatcher } from './push-dispatcher.service.js';
import type { PushSender } from './push-sender.js';
import type { PushRepository } from './push.repository.js';

const event = (type: LiveEvent['type']): LiveEvent => ({ id: 1, type, regionCode: '07', facilityId: null, data: {} });
/** resolves after every timer due before `ms` (timers fire in order of their due time) */
const after = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('PushDispatcher', () => {
  it('the payload is a title, the case code and the link, nothing else', () => {
    expect(JSON.parse(payloadOf({ event: 'proposal_created', caseCode: 'LIG-1', path: '/#/proposals/x' }))).toEqual({
      title: 'Nuova proposta di inserimento',
      caseCode: 'LIG-1',
      link: '/#/proposals/x',
    });
  });

  it.each([
    ['with the scheduler on, a committed proposal wakes it at once', 'true', 'proposal', 1],
    ['other events do not', 'true', 'availability', 0],
    ['without the scheduler (tests) nothing wakes it', 'false', 'proposal', 0],
  ] as const)('%s', async (_name, scheduler, type, claims) => {
    const config = loadConfig({ NODE_ENV: 'test', SCHEDULER_ENABLED: scheduler });
    const hub = new EventHub(config);
    let calls = 0;
    const claimDue = async () => (calls++, []);
    const sender: PushSender = { send: async () => ({ ok: true }) };
    const d = new PushDispatcher({ claimDue } as unknown as PushRepository, hub, sender, { now: () => new Date() }, config);
    d.onModuleInit();
    hub.publish([event(type)]);
    await after(200);
    expect(calls).toBe(claims);
    d.onModuleDestroy();
    hub.onModuleDestroy();
  });
});
