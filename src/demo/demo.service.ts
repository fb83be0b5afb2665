import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { MembersRepository } from '../members/members.repository.js';
import type { Principal } from '../auth/principal.js';
import { TokenService } from '../auth/token.service.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { RegionsService } from '../regions/regions.service.js';
import { DEMO_FACILITIES, DEMO_USERS } from './demo-network.data.js';

const LOADER: Principal = { sub: 'demo-loader', role: 'admin', facilities: [] };

/** Loads the fictional demo network once (into an empty database); mints a token per demo user on request. */
@Injectable()
export class DemoService {
  private readonly logger = new Logger('Demo');

  constructor(
    private readonly facilities: FacilitiesService,
    private readonly repo: FacilitiesRepository,
    private readonly tokens: TokenService,
    private readonly regions: RegionsService,
    private readonly members: MembersRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns the facility id of each demo key. The demo users' members are seeded too (invited: the first sign-in binds them). */
  async loadIfEmpty(): Promise<Map<string, string>> {
    const ids = await this.loadFacilitiesIfEmpty();
    await this.seedMembers(ids);
    return ids;
  }

  /** The demo users as members of the registry, so the embedded provider's accounts can sign in. */
  async seedMembers(ids: Map<string, string>): Promise<void> {
    await this.members.seedInvited(
      DEMO_USERS.map((u) => ({
        id: randomUUID(),
        email: u.email,
        name: u.sub,
        fiscalCode: null,
        role: u.role,
        regionCode: u.role === 'uor' ? (u.region ?? null) : null,
        facilityIds: (u.facilityKeys ?? []).flatMap((k) => ids.get(k) ?? []),
        invitedBy: LOADER.sub,
      })).filter((m) => m.role !== 'shelter_manager' || m.facilityIds.length > 0),
      this.clock.now(),
    );
  }

  private async loadFacilitiesIfEmpty(): Promise<Map<string, string>> {
    if ((await this.repo.count()) > 0) return this.existingIds();
    const ids = new Map<string, string>();
    // fictional office numbers, like the houses' (+39 0 … 0000 0 + region)
    for (const u of DEMO_USERS)
      if (u.role === 'uor' && u.region) await this.regions.setUorContact(u.region, u.email, `+3906000000${u.region}`);
    const now = this.clock.now().getTime();
    for (const d of DEMO_FACILITIES) {
      const { key, confirmedHoursAgo, ...dto } = d;
      const confirmedAt =
        confirmedHoursAgo === null || confirmedHoursAgo === undefined ? null : new Date(now - confirmedHoursAgo * 3_600_000);
      const created = await this.facilities.create(LOADER, dto, { confirmedAt });
      ids.set(key, created.id);
    }
    this.logger.log(`demo network loaded: ${DEMO_FACILITIES.length} facilities`);
    return ids;
  }

  /** The facility id of each demo key already in the database (none loaded: an empty map). */
  async existingIds(): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    const existing = await this.repo.findMany({ limit: 10000, offset: 0 });
    for (const d of DEMO_FACILITIES) {
      const match = existing.find((f) => f.name === d.name && f.provinceCode === d.provinceCode);
      if (match) ids.set(d.key, match.id);
    }
    return ids;
  }

  /** A 30-day local token per demo user, printed at start only when asked (PRINT_DEMO_TOKENS=true; never in production). */
  tokensFor(ids: Map<string, string>): { user: string; role: string; token: string }[] {
    return DEMO_USERS.map((u) => ({
      user: u.sub,
      role: u.role,
      token: this.tokens.sign(
        { sub: u.sub, role: u.role, region: u.region, email: u.email, facilities: (u.facilityKeys ?? []).flatMap((k) => ids.get(k) ?? []) },
        '30d',
      ),
    }));
  }
}
