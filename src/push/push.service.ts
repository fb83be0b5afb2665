import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainError, invalidInput, notFound } from '../domain/errors.js';
import type { CreatePushSubscriptionDto } from './dto/push-subscription.dto.js';
import { PushRepository } from './push.repository.js';
import { VAPID, type VapidKeys } from './vapid.js';

/** Phones subscribe (their browser's push endpoint and keys) and unsubscribe; each subscription is its caller's. */
@Injectable()
export class PushService {
  constructor(
    private readonly repo: PushRepository,
    @Inject(VAPID) private readonly vapid: VapidKeys | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  publicKey(): { publicKey: string } {
    return { publicKey: this.keys().publicKey };
  }

  /** Her scope now (role, region, facilities) decides what the phone will be told; see migration 1763900016100. */
  async subscribe(p: Principal, dto: CreatePushSubscriptionDto): Promise<{ id: string }> {
    this.keys();
    const host = new URL(dto.endpoint).hostname.toLowerCase();
    // the service POSTs to this URL: only the browsers' push services, never an address of the caller's choosing
    if (!this.config.push.allowedHosts.some((h) => host === h || host.endsWith(`.${h}`)))
      throw invalidInput('push_endpoint_not_allowed', 'the endpoint is not a known push service', { field: 'endpoint' });
    if (Buffer.from(dto.keys.p256dh, 'base64url').length !== 65 || Buffer.from(dto.keys.auth, 'base64url').length !== 16)
      throw invalidInput('validation_failed', 'keys.p256dh must be 65 bytes and keys.auth 16 bytes', { field: 'keys' });
    const id = await this.repo.upsert({
      ownerSub: p.sub,
      role: p.role,
      regionCode: p.region ?? null,
      facilityIds: p.facilities,
      endpoint: dto.endpoint,
      p256dh: dto.keys.p256dh,
      auth: dto.keys.auth,
    });
    return { id };
  }

  async unsubscribe(p: Principal, id: string): Promise<void> {
    if (!(await this.repo.deleteOwned(id, p.sub))) throw notFound('push subscription');
  }

  private keys(): VapidKeys {
    if (!this.vapid) throw new DomainError('not_found', 'push_not_configured', 'push notifications are not configured on this service');
    return this.vapid;
  }
}
