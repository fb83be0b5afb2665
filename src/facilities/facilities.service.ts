import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { AvailabilityEventsRepository } from './place-events.repository.js';
import { freshnessOf } from '../domain/freshness.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { AddressCipher } from '../common/crypto/address-cipher.js';
import { notFound } from '../domain/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Transactions, Tx } from '../database/transactions.repository.js';
import type { GeoPoint } from '../domain/types.js';
import { RegionsService } from '../regions/regions.service.js';
import type { CreateFacilityDto } from './dto/create-facility.dto.js';
import type { ListFacilitiesQuery } from './dto/list-facilities.query.js';
import type { UpdateFacilityDto } from './dto/update-facility.dto.js';
import { AddressRevealRepository } from './address-reveal.repository.js';
import { FacilitiesRepository, type NewFacility } from './facilities.repository.js';
import { facilitiesToCsv } from './facility-csv.js';
import { assertPlacesConsistent, DEFAULT_PROTECTION, matchPoint } from './facility-input.js';
import { presentFacility } from './facility.presenter.js';
import type { FacilityRecord } from './facility.record.js';
import { facilityAccess, homeRegion, requireAccess, scopeOf, seesAddress } from '../auth/access.js';

const EXPORT_PAGE = 500;

@Injectable()
export class FacilitiesService {
  constructor(
    private readonly repo: FacilitiesRepository,
    private readonly events: AvailabilityEventsRepository,
    private readonly tx: Transactions,
    private readonly regions: RegionsService,
    private readonly cipher: AddressCipher,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reveal: AddressRevealRepository,
  ) {}

  async create(p: Principal, dto: CreateFacilityDto, opts: { confirmedAt?: Date | null } = {}) {
    return this.tx.run(async (tx) => {
      const id = await this.createIn(tx, p, dto, opts);
      // read back in the committing transaction (see Transactions)
      return this.get(p, id, { audit: false });
    });
  }

  /** Creates one facility inside the caller's transaction (the API); returns its id. */
  async createIn(tx: Tx, p: Principal, dto: CreateFacilityDto, opts: { confirmedAt?: Date | null } = {}): Promise<string> {
    const [id] = await this.createManyIn(tx, p, [dto], opts);
    return id;
  }

  /** Creates facilities inside the caller's transaction, a few statements per 500 (the API, the CSV import); ids in order. */
  async createManyIn(tx: Tx, p: Principal, dtos: CreateFacilityDto[], opts: { confirmedAt?: Date | null } = {}): Promise<string[]> {
    const now = this.clock.now();
    const ids =
      dtos.length === 1
        ? [await this.repo.insert(tx, this.newFacility(p, dtos[0], opts))]
        : await this.repo.insertMany(
            tx,
            dtos.map((dto) => this.newFacility(p, dto, opts)),
          );
    await this.events.append(
      tx,
      dtos.flatMap((dto, i) =>
        dto.places.map((pl) => {
          const numbers = { total: pl.total, occupied: pl.occupied ?? 0, outOfService: pl.outOfService ?? 0, held: 0 };
          return {
            facilityId: ids[i],
            kind: pl.kind,
            type: 'created' as const,
            actorSub: p.sub,
            actorRole: p.role,
            at: now,
            delta: numbers,
            after: numbers,
          };
        }),
      ),
    );
    if (ids.length === 1) await this.audit.record(tx, p, 'facility.create', 'facility', ids[0]);
    else await this.audit.recordMany(tx, p, 'facility.create', 'facility', ids);
    return ids;
  }

  /** The row of a new facility: region from the province, address and location sealed, matching point coarsened when secret. */
  private newFacility(p: Principal, dto: CreateFacilityDto, opts: { confirmedAt?: Date | null }): NewFacility {
    const province = this.regions.province(dto.provinceCode);
    requireAccess(p, 'facility.create', province);
    assertPlacesConsistent(dto.places);
    const point = matchPoint(dto.location, { lat: province.lat, lon: province.lon }, dto.secretAddress);
    return {
      name: dto.name,
      externalCode: dto.externalCode ?? null,
      organization: dto.organization,
      type: dto.type,
      regionCode: province.regionCode,
      provinceCode: province.code,
      protectionLevel: dto.protectionLevel ?? DEFAULT_PROTECTION[dto.type],
      acceptsGenders: dto.accepts.genders,
      acceptsAdults: dto.accepts.adults,
      acceptsMinors: dto.accepts.minors,
      acceptsChildren: dto.accepts.children,
      languages: dto.languages,
      exploitationExpertise: dto.exploitationExpertise,
      supports: dto.supports,
      secretAddress: dto.secretAddress,
      addressEnc: this.cipher.encrypt(dto.address),
      locationEnc: dto.location ? this.cipher.encrypt(JSON.stringify({ lat: dto.location.lat, lon: dto.location.lon })) : null,
      matchLat: point.lat,
      matchLon: point.lon,
      contactEmail: dto.contactEmail,
      onCallPhone: dto.onCallPhone ?? null,
      services: dto.services ?? [],
      wheelchairAccessible: dto.wheelchairAccessible ?? false,
      lgbtSafe: dto.lgbtSafe ?? false,
      legalStatusesAccepted: dto.legalStatusesAccepted ?? [],
      acceptsBoysUpToAge: dto.accepts.boysUpToAge ?? null,
      expectedStayDays: dto.expectedStayDays ?? null,
      educatorHoursPerWeek: dto.educatorHoursPerWeek ?? null,
      acceptingNewGuests: dto.acceptingNewGuests ?? true,
      intakeNote: dto.intakeNote ?? null,
      confirmedAt: opts.confirmedAt ?? null,
      places: dto.places.map((pl) => ({
        kind: pl.kind,
        total: pl.total,
        occupied: pl.occupied ?? 0,
        outOfService: pl.outOfService ?? 0,
        childCapacity: pl.kind === 'mother_child' ? (pl.childCapacity ?? null) : null,
      })),
    };
  }

  async update(p: Principal, id: string, dto: UpdateFacilityDto) {
    return this.tx.run(async (tx) => {
      await this.updateIn(tx, p, id, dto);
      // the answer may reveal a secret address: audited like a read, in the committing transaction
      return this.get(p, id);
    });
  }

  /** Edits one facility's descriptive fields inside the caller's transaction (the API and the CSV import). */
  async updateIn(tx: Tx, p: Principal, id: string, dto: UpdateFacilityDto): Promise<void> {
    const f = await this.repo.lockById(tx, id);
    if (!f || facilityAccess(p, f) === 'none') throw notFound('facility');
    requireAccess(p, 'facility.edit', f);
    const province = dto.provinceCode ? this.regions.province(dto.provinceCode) : undefined;
    if (province) requireAccess(p, 'facility.move', province);
    // un-hiding would let the caller read the address it may not see
    if (dto.secretAddress !== undefined && dto.secretAddress !== f.secretAddress) requireAccess(p, 'facility.secrecy', f);
    const { accepts, address, location, provinceCode: _province, ...plain } = dto;
    const secret = dto.secretAddress ?? f.secretAddress;
    const patch: Partial<FacilityRecord> = { ...plain };
    if (accepts)
      Object.assign(patch, {
        acceptsGenders: accepts.genders,
        acceptsAdults: accepts.adults,
        acceptsMinors: accepts.minors,
        acceptsChildren: accepts.children,
      });
    // a limit is changed only when sent (null lifts it)
    if (accepts?.boysUpToAge !== undefined) patch.acceptsBoysUpToAge = accepts.boysUpToAge;
    if (address !== undefined) patch.addressEnc = this.cipher.encrypt(address);
    if (province) Object.assign(patch, { provinceCode: province.code, regionCode: province.regionCode });
    if (location !== undefined) patch.locationEnc = this.cipher.encrypt(JSON.stringify({ lat: location.lat, lon: location.lon }));
    if (location !== undefined || province || dto.secretAddress !== undefined) {
      const prov = province ?? this.regions.province(f.provinceCode);
      const loc = location ?? this.decryptLocation(f.locationEnc);
      const point = matchPoint(loc, { lat: prov.lat, lon: prov.lon }, secret);
      Object.assign(patch, { matchLat: point.lat, matchLon: point.lon });
    }
    await this.repo.update(tx, id, patch);
    await this.audit.record(tx, p, 'facility.update', 'facility', id, { fields: Object.keys(dto) });
  }

  async get(p: Principal, id: string, o: { audit?: boolean } = {}) {
    const f = await this.findVisible(p, id);
    let access = facilityAccess(p, f) as Exclude<ReturnType<typeof facilityAccess>, 'none'>;
    const uorRegion = homeRegion(p);
    const accepted = uorRegion && (access === 'limited' || f.secretAddress) ? await this.reveal.acceptedFor(uorRegion, f.id) : false;
    // the UOR that placed someone here needs the full picture, even from another region
    if (accepted) access = 'full';
    let address: string | null = null;
    let location: GeoPoint | null = null;
    if (access === 'full' && seesAddress(p, f, accepted)) {
      address = this.cipher.decrypt(f.addressEnc);
      location = this.decryptLocation(f.locationEnc);
      // every reveal of a secret address is evidence an auditor may need
      if (f.secretAddress && o.audit !== false) await this.audit.record(null, p, 'facility.read_secret_address', 'facility', f.id);
    }
    return presentFacility(f, { access, freshness: this.freshness(f), address, location });
  }

  async list(p: Principal, q: ListFacilitiesQuery) {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    return { items: (await this.page(p, q, limit, offset)).items, limit, offset };
  }

  /** Every facility of the list the caller may see, as the list presents them (no addresses), as CSV. */
  async exportCsv(p: Principal, q: ListFacilitiesQuery): Promise<string> {
    const items: ReturnType<typeof presentFacility>[] = [];
    for (let offset = 0; ; offset += EXPORT_PAGE) {
      const page = await this.page(p, q, EXPORT_PAGE, offset);
      items.push(...page.items);
      if (page.read < EXPORT_PAGE) break;
    }
    return facilitiesToCsv(items);
  }

  private async page(p: Principal, q: ListFacilitiesQuery, limit: number, offset: number) {
    const { format: _format, limit: _limit, offset: _offset, ...filter } = q;
    const facilities = await this.repo.findMany({ ...filter, ids: scopeOf(p).facilityIds, limit, offset });
    // list views never carry addresses: the detail endpoint reveals (and audits) them
    const items = facilities.flatMap((f) => {
      const access = facilityAccess(p, f);
      return access === 'none' ? [] : [presentFacility(f, { access, freshness: this.freshness(f) })];
    });
    return { items, read: facilities.length };
  }

  /** The record for other modules, scoped: 404 when the caller may not see it. */
  async findVisible(p: Principal, id: string, tx?: Tx): Promise<FacilityRecord> {
    const f = await this.repo.findById(id, tx);
    if (!f || facilityAccess(p, f) === 'none') throw notFound('facility');
    return f;
  }

  freshness(f: Pick<FacilityRecord, 'confirmedAt'>) {
    return freshnessOf(f.confirmedAt, this.clock.now(), this.config.staleAfterHours);
  }

  private decryptLocation(sealed: string | null): GeoPoint | null {
    return sealed ? (JSON.parse(this.cipher.decrypt(sealed)) as GeoPoint) : null;
  }
}
