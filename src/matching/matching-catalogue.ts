import { Inject, Injectable } from '@nestjs/common';
import { freshnessOf, freshUntil as freshUntilOf } from '../domain/freshness.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { metrics } from '../common/metrics.js';
import { type CatalogueReader, type HeldCount, type LiveState, MatchingRepository, type SnapshotRow } from './matching.repository.js';
import { packNetwork, type PackedNetwork } from '../cores/matching/index.js';
import type { FacilitySnapshot } from '../domain/types.js';
import { toSnapshot } from './snapshot.mapper.js';

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
 * stamp the facility with it. A search opens one read-only REPEATABLE READ snapshot and reads there
 * the version, the live holds and the conflict tags; if the version moved since the catalogue it
 * started from, it reads in that same snapshot the facilities stamped since and merges them. So
 * everything a search combines was committed together, by construction: no retry, nothing to
 * starve while others write. Searches that meet the same version share one merge (a version names
 * exactly one state of the catalogue, so any snapshot at it reads the same rows).
 */
@Injectable()
export class MatchingCatalogue {
  private cache?: Loaded;
  /** merges under way, by the epoch and version they bring the catalogue to */
  private readonly merging = new Map<string, Promise<Loaded>>();
  private first?: Promise<Loaded>;

  constructor(
    private readonly repo: MatchingRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every facility with live free places, current freshness and the conflict tags among `tags` (not counting `exceptRequestId`). */
  async network(tags: string[], exceptRequestId: string | null): Promise<Network> {
    // taken before the snapshot starts, so the snapshot's version is at least the base's
    const base = this.cache ?? (await this.wholeLoad());
    return this.repo.inSnapshot(async (reader) => {
      const live = await reader.liveState(tags, exceptRequestId);
      const loaded = await this.at(BigInt(live.version), live.epoch, base, reader);
      return this.assemble(loaded, live);
    });
  }

  /** The catalogue at exactly `version`: the cache or base when they are at it, else base merged with what changed since. */
  private at(version: bigint, epoch: string, base: Loaded, reader: CatalogueReader): Promise<Loaded> | Loaded {
    for (const c of [this.cache, base]) if (c && c.version === version && c.epoch === epoch) return c;
    const key = `${epoch}:${version}`;
    let merge = this.merging.get(key);
    if (!merge) {
      merge = (async () => {
        // another epoch: facilities or places were deleted, so the whole network is read again
        const sameEpoch = base.epoch === epoch;
        const rows = await reader.facilities(sameEpoch ? String(base.version) : undefined);
        metrics.catalogueReload(sameEpoch ? 'changes' : 'whole');
        return this.install(this.merge(sameEpoch ? base : undefined, { version, epoch }, rows));
      })().finally(() => this.merging.delete(key));
      this.merging.set(key, merge);
    }
    return merge;
  }

  /** The first load of the process, shared by every search that needs it. */
  private wholeLoad(): Promise<Loaded> {
    this.first ??= this.repo
      .inSnapshot(async (reader) => {
        const { version, epoch } = await reader.liveState([], null);
        metrics.catalogueReload('whole');
        return this.install(this.merge(undefined, { version: BigInt(version), epoch }, await reader.facilities()));
      })
      .finally(() => (this.first = undefined));
    return this.first;
  }

  /** Newer catalogues replace the cache; an older one (a slow search's snapshot) is used once and dropped. */
  private install(loaded: Loaded): Loaded {
    if (!this.cache || loaded.version > this.cache.version) this.cache = loaded;
    return loaded;
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

  /** `rows` (facilities at `at`) merged into `base`, or alone when there is no base. */
  private merge(base: Loaded | undefined, at: { version: bigint; epoch: string }, rows: SnapshotRow[]): Loaded {
    const facilities = base ? base.packed.facilities.slice() : [];
    const confirmedAt = base ? base.confirmedAt.slice() : [];
    const indexOf = new Map(base ? base.indexOf : []);
    const now = this.clock.now();
    for (const r of rows) {
      let i = indexOf.get(r.id);
      if (i === undefined) indexOf.set(r.id, (i = facilities.length));
      const confirmed = r.confirmedAt ? new Date(r.confirmedAt) : null;
      // with its freshness now, so freshnessAt copies none of the rows just read
      facilities[i] = toSnapshot(r, freshnessOf(confirmed, now, this.config.staleAfterHours), []);
      confirmedAt[i] = confirmed?.getTime() ?? null;
    }
    return this.freshnessAt(now.getTime(), { ...at, indexOf, confirmedAt }, facilities);
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
  private freshnessAt(
    now: number,
    c: Pick<Loaded, 'version' | 'epoch' | 'indexOf' | 'confirmedAt'>,
    facilities: readonly FacilitySnapshot[],
  ): Loaded {
    let freshUntil = Number.POSITIVE_INFINITY;
    const nowDate = new Date(now);
    const current = facilities.map((f, i) => {
      const at = c.confirmedAt[i];
      const freshness = freshnessOf(at === null ? null : new Date(at), nowDate, this.config.staleAfterHours);
      if (freshness === 'fresh') freshUntil = Math.min(freshUntil, freshUntilOf(at!, this.config.staleAfterHours));
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
