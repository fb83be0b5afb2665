import { Inject, Injectable } from '@nestjs/common';
import { freshnessOf } from '../availability/freshness.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/errors/domain-error.js';
import { metrics } from '../metrics/metrics.js';
import { type HeldCount, type LiveState, MatchingRepository } from './matching.repository.js';
import { packNetwork, type PackedNetwork } from './core/index.js';
import type { FacilitySnapshot } from './matching.types.js';
import { toSnapshot } from './snapshot.mapper.js';

/** Searches that find the catalogue version moved at every read give up after this many (never seen: changes are rare). */
const MAX_ATTEMPTS = 5;

/** The whole network at one catalogue version: places net of occupied and out of service, not of holds. */
interface Loaded {
  version: bigint;
  epoch: string;
  packed: PackedNetwork;
  indexOf: ReadonlyMap<string, number>;
  confirmedAt: readonly (number | null)[];
  /** the freshness in `facilities` holds for asOf <= now <= freshUntil (ms) */
  asOf: number;
  freshUntil: number;
}

/** The network as the core sees it for one search: the packed catalogue, and the facilities live state changes. */
export interface Network {
  packed: PackedNetwork;
  /** by index in `packed`: facilities with live holds or conflict tags, as they are now */
  replaced: ReadonlyMap<number, FacilitySnapshot>;
  /** the facility as judged in this search */
  snapshot(id: string): FacilitySnapshot | undefined;
}

/**
 * The matching catalogue: every facility kept in memory, packed for the core. Triggers move the
 * catalogue version with every change of a facility or its places, in the same transaction, and
 * stamp the facility with it; when the version moves, only the facilities stamped since are
 * reloaded. A search then costs one small statement: the version, the live holds and the
 * conflict tags, read together. Holds and tags read at the catalogue's own version make the result
 * exactly what one SQL snapshot would give, because a hold or a proposal never changes a facility
 * or its places and anything that does moves the version.
 */
@Injectable()
export class MatchingCatalogue {
  private cache?: Loaded;
  private loading?: Promise<Loaded>;

  constructor(
    private readonly repo: MatchingRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every facility with live free places, current freshness and the conflict tags among `tags` (not counting `exceptRequestId`). */
  async network(tags: string[], exceptRequestId: string | null): Promise<Network> {
    for (let attempt = 1; ; attempt++) {
      const live = await this.repo.liveState(tags, exceptRequestId);
      const version = BigInt(live.version);
      const cached = this.cache;
      // holds and conflict tags are used only with a catalogue of the very version they were read at
      if (cached?.version === version) return this.assemble(cached, live);
      if (attempt === MAX_ATTEMPTS) throw new DomainError(503, 'catalogue_busy', 'the network is changing faster than it can be read; retry');
      // older: bring it up to date; newer (a reload finished meanwhile): read the live state again
      if (!cached || cached.version < version) await this.reload(version);
    }
  }

  private assemble(loaded: Loaded, live: LiveState): Network {
    const { packed, indexOf } = this.withCurrentFreshness(loaded);
    const replaced = liveChanges(packed.facilities, indexOf, live.holds, live.conflicts);
    return {
      packed,
      replaced,
      snapshot: (id) => {
        const i = indexOf.get(id);
        return i === undefined ? undefined : (replaced.get(i) ?? packed.facilities[i]);
      },
    };
  }

  /** One load at a time, shared by every search waiting for it. */
  private async reload(atLeast: bigint): Promise<void> {
    for (;;) {
      this.loading ??= this.load().finally(() => (this.loading = undefined));
      // a load that started before `atLeast` was read may be older; the next one cannot be
      if ((await this.loading).version >= atLeast) return;
    }
  }

  /** The facilities changed since the cached version merged into it (everything, the first time or after a deletion). */
  private async load(): Promise<Loaded> {
    const base = this.cache;
    const rows = await this.repo.loadCatalogue(base && { version: String(base.version), epoch: base.epoch });
    const merge = !rows.whole && base;
    metrics.catalogueReload(merge ? 'changes' : 'whole');
    const facilities = merge ? base.packed.facilities.slice() : [];
    const confirmedAt = merge ? base.confirmedAt.slice() : [];
    const indexOf = new Map(merge ? base.indexOf : []);
    const now = this.clock.now();
    for (const r of rows.facilities) {
      let i = indexOf.get(r.id);
      if (i === undefined) indexOf.set(r.id, (i = facilities.length));
      const at = r.confirmedAt ? new Date(r.confirmedAt) : null;
      // with its freshness now, so freshnessAt copies none of the rows just read
      facilities[i] = toSnapshot(r, freshnessOf(at, now, this.config.staleAfterHours), []);
      confirmedAt[i] = at?.getTime() ?? null;
    }
    const loaded = this.freshnessAt(now.getTime(), { version: BigInt(rows.version), epoch: rows.epoch, indexOf, confirmedAt }, facilities);
    if (!this.cache || loaded.version > this.cache.version) this.cache = loaded;
    return loaded;
  }

  /** Freshness moves with the clock alone; recomputed in memory only when some facility crossed the threshold. */
  private withCurrentFreshness(loaded: Loaded): Loaded {
    const now = this.clock.now().getTime();
    if (now >= loaded.asOf && now <= loaded.freshUntil) return loaded;
    const updated = this.freshnessAt(now, loaded, loaded.packed.facilities);
    if (this.cache === loaded) this.cache = updated;
    return updated;
  }

  /** `facilities` with their freshness at `now`, packed. */
  private freshnessAt(now: number, c: Pick<Loaded, 'version' | 'epoch' | 'indexOf' | 'confirmedAt'>, facilities: readonly FacilitySnapshot[]): Loaded {
    const staleAfterMs = this.config.staleAfterHours * 3_600_000;
    let freshUntil = Number.POSITIVE_INFINITY;
    const nowDate = new Date(now);
    const current = facilities.map((f, i) => {
      const at = c.confirmedAt[i];
      const freshness = freshnessOf(at === null ? null : new Date(at), nowDate, this.config.staleAfterHours);
      if (freshness === 'fresh') freshUntil = Math.min(freshUntil, at! + staleAfterMs);
      return freshness === f.freshness ? f : { ...f, freshness };
    });
    return { ...c, packed: packNetwork(current), asOf: now, freshUntil };
  }
}

/** Facilities whose live holds or conflict tags differ from the catalogue, as they are now, by index. */
function liveChanges(
  facilities: readonly FacilitySnapshot[],
  indexOf: ReadonlyMap<string, number>,
  holds: readonly HeldCount[],
  conflicts: ReadonlyMap<string, string[]>,
): Map<number, FacilitySnapshot> {
  const changed = new Map<number, FacilitySnapshot>();
  const current = (i: number) => changed.get(i) ?? facilities[i];
  for (const h of holds) {
    const i = indexOf.get(h.facilityId);
    if (i === undefined) continue;
    const f = current(i);
    changed.set(i, { ...f, places: f.places.map((p) => (p.kind === h.kind ? { ...p, free: Math.max(0, p.free - h.held) } : p)) });
  }
  for (const [id, tags] of conflicts) {
    const i = indexOf.get(id);
    if (i !== undefined) changed.set(i, { ...current(i), conflictTags: tags });
  }
  return changed;
}
