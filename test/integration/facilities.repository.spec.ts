import { FacilitiesRepository, type FacilityFilter } from '../../src/facilities/facilities.repository.js';
import { freeOf } from '../../src/domain/free-places.js';
import type { CreateFacilityDto } from '../../src/facilities/dto/create-facility.dto.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, TestApp } from '../support/test-app.js';

describe('FacilitiesRepository and database guards (integration)', () => {
  let t: TestApp;
  let repo: FacilitiesRepository;
  const ids = {} as Record<'ge' | 'sp' | 'lu', string>;

  const create = async (dto: CreateFacilityDto) => {
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(principals.admin())))
      .send(dto);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const find = async (f: Partial<FacilityFilter>) => (await repo.findMany({ limit: 200, offset: 0, ...f })).map((r) => r.id);
  const hold = async (facilityId: string, kind: string) =>
    (
      await t.sql<{ id: string }>(
        `INSERT INTO place_hold(facility_id, kind, expires_at) VALUES ($1, $2, now() + interval '1 day') RETURNING id`,
        [facilityId, kind],
      )
    )[0].id;
  const release = (holdId: string) =>
    t.sql(`UPDATE place_hold SET released_at = now(), release_reason = 'released' WHERE id = $1`, [holdId]);
  const placeOf = async (facilityId: string, kind: string) => {
    const f = await repo.findById(facilityId);
    const p = f!.places.find((x) => x.kind === kind)!;
    return { ...p, free: freeOf(p) };
  };

  beforeAll(async () => {
    t = await startTestApp();
    repo = t.app.get(FacilitiesRepository);
    ids.ge = await create(
      aFacility({
        name: 'Genova',
        type: 'casa_di_fuga',
        provinceCode: 'GE',
        places: [
          { kind: 'adult', total: 2 },
          { kind: 'mother_child', total: 1, childCapacity: 2 },
        ],
      }),
    );
    ids.sp = await create(
      aFacility({ name: 'Spezia', type: 'semi_autonomy_flat', provinceCode: 'SP', places: [{ kind: 'adult', total: 1 }] }),
    );
    ids.lu = await create(
      aFacility({
        name: 'Lucca',
        type: 'medium_intensity_community',
        provinceCode: 'LU',
        places: [{ kind: 'minor', total: 3, occupied: 3 }],
      }),
    );
  });
  afterAll(() => t.close());

  describe('findMany', () => {
    it('returns facilities with their places, ordered by region, province, name', async () => {
      const all = await repo.findMany({ limit: 200, offset: 0 });
      expect(all.map((f) => f.id)).toEqual([ids.ge, ids.sp, ids.lu]);
      const ge = all[0];
      expect(ge).toMatchObject({ name: 'Genova', regionCode: '07', provinceCode: 'GE', type: 'casa_di_fuga', protectionLevel: 'high' });
      expect(ge.places).toEqual([
        { kind: 'adult', total: 2, occupied: 0, outOfService: 0, held: 0, childCapacity: null },
        { kind: 'mother_child', total: 1, occupied: 0, outOfService: 0, held: 0, childCapacity: 2 },
      ]);
    });

    it('filters by regionCode, provinceCode, type and kind', async () => {
      expect(await find({ regionCode: '07' })).toEqual([ids.ge, ids.sp]);
      expect(await find({ regionCode: '09' })).toEqual([ids.lu]);
      expect(await find({ regionCode: '03' })).toEqual([]);
      expect(await find({ provinceCode: 'SP' })).toEqual([ids.sp]);
      expect(await find({ type: 'casa_di_fuga' })).toEqual([ids.ge]);
      expect(await find({ kind: 'adult' })).toEqual([ids.ge, ids.sp]);
      expect(await find({ kind: 'mother_child' })).toEqual([ids.ge]);
      expect(await find({ kind: 'minor' })).toEqual([ids.lu]);
      expect(await find({ regionCode: '07', type: 'semi_autonomy_flat', kind: 'adult' })).toEqual([ids.sp]);
    });

    it('filters by free places, of a kind when given', async () => {
      expect(await find({ hasFree: true })).toEqual([ids.ge, ids.sp]);
      expect(await find({ hasFree: false })).toEqual([ids.lu]);
      expect(await find({ hasFree: true, kind: 'minor' })).toEqual([]);
      expect(await find({ hasFree: false, kind: 'minor' })).toEqual([ids.lu]);
    });

    it('restricts to ids (a shelter manager): an empty list finds nothing', async () => {
      expect(await find({ ids: [ids.lu, ids.ge] })).toEqual([ids.ge, ids.lu]);
      expect(await find({ ids: [] })).toEqual([]);
    });

    it('pages with limit and offset', async () => {
      expect(await find({ limit: 1, offset: 0 })).toEqual([ids.ge]);
      expect(await find({ limit: 2, offset: 1 })).toEqual([ids.sp, ids.lu]);
      expect(await find({ limit: 5, offset: 3 })).toEqual([]);
    });

    it('findById: null for an unknown id', async () => {
      expect(await repo.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
    });
  });

  describe('held places come from the live holds', () => {
    it('a live hold counts as held and removes a free place; a released one does not', async () => {
      const scope = [ids.sp];
      const h = await hold(ids.sp, 'adult');
      expect(await placeOf(ids.sp, 'adult')).toMatchObject({ total: 1, occupied: 0, held: 1, free: 0 });
      expect(await find({ ids: scope, hasFree: true })).toEqual([]);
      expect(await find({ ids: scope, hasFree: false })).toEqual([ids.sp]);
      await release(h);
      expect(await placeOf(ids.sp, 'adult')).toMatchObject({ held: 0, free: 1 });
      expect(await find({ ids: scope, hasFree: true })).toEqual([ids.sp]);
    });

    it('counts holds per kind', async () => {
      const holds = [await hold(ids.ge, 'adult'), await hold(ids.ge, 'adult')];
      expect(await placeOf(ids.ge, 'adult')).toMatchObject({ total: 2, held: 2, free: 0 });
      expect(await placeOf(ids.ge, 'mother_child')).toMatchObject({ held: 0, free: 1 });
      // the mother-child unit is still free
      expect(await find({ ids: [ids.ge], hasFree: true })).toEqual([ids.ge]);
      expect(await find({ ids: [ids.ge], hasFree: true, kind: 'adult' })).toEqual([]);
      // the API shows the same numbers
      const res = await t
        .http()
        .get(`/api/v1/facilities/${ids.ge}`)
        .set(bearer(t.token(principals.admin())));
      expect(res.body.places[0]).toEqual({ kind: 'adult', total: 2, occupied: 0, held: 2, outOfService: 0, free: 0 });
      for (const h of holds) await release(h);
      expect(await placeOf(ids.ge, 'adult')).toMatchObject({ held: 0, free: 2 });
    });

    it('a hold beyond the free places is refused by the database (place overbooked)', async () => {
      const first = await hold(ids.sp, 'adult');
      await expect(hold(ids.sp, 'adult')).rejects.toMatchObject({ code: 'AP001' });
      expect(await placeOf(ids.sp, 'adult')).toMatchObject({ held: 1 });
      await release(first);
    });

    it('a hold for a kind the facility does not have is refused (foreign key)', async () => {
      await expect(hold(ids.sp, 'minor')).rejects.toMatchObject({ code: '23503' });
    });
  });

  describe('check constraints on facility_place', () => {
    const row = async (id: string, kind: string) =>
      (
        await t.sql(`SELECT total, occupied, out_of_service, child_capacity FROM facility_place WHERE facility_id = $1 AND kind = $2`, [
          id,
          kind,
        ])
      )[0];

    it('refuses occupied + out_of_service > total', async () => {
      const before = await row(ids.sp, 'adult');
      await expect(
        t.sql(`UPDATE facility_place SET occupied = 1, out_of_service = 1 WHERE facility_id = $1 AND kind = 'adult'`, [ids.sp]),
      ).rejects.toMatchObject({
        code: '23514',
      });
      // lowering the total under the occupied places (3 of 3) is refused as well
      await expect(t.sql(`UPDATE facility_place SET total = 2 WHERE facility_id = $1 AND kind = 'minor'`, [ids.lu])).rejects.toMatchObject({
        code: '23514',
      });
      expect(await row(ids.sp, 'adult')).toEqual(before);
      expect(await row(ids.lu, 'minor')).toMatchObject({ total: 3, occupied: 3 });
    });

    it('refuses negative numbers', async () => {
      for (const col of ['total', 'occupied', 'out_of_service'])
        await expect(
          t.sql(`UPDATE facility_place SET ${col} = -1 WHERE facility_id = $1 AND kind = 'adult'`, [ids.ge]),
        ).rejects.toMatchObject({ code: '23514' });
    });

    it('child_capacity is required for mother_child places and refused for the others', async () => {
      await expect(
        t.sql(`UPDATE facility_place SET child_capacity = NULL WHERE facility_id = $1 AND kind = 'mother_child'`, [ids.ge]),
      ).rejects.toMatchObject({
        code: '23514',
      });
      await expect(
        t.sql(`UPDATE facility_place SET child_capacity = 2 WHERE facility_id = $1 AND kind = 'adult'`, [ids.ge]),
      ).rejects.toMatchObject({ code: '23514' });
    });

    it('counts live holds too: occupying a held place is refused', async () => {
      const h = await hold(ids.sp, 'adult');
      await expect(
        t.sql(`UPDATE facility_place SET occupied = 1 WHERE facility_id = $1 AND kind = 'adult'`, [ids.sp]),
      ).rejects.toMatchObject({ code: 'AP001' });
      await release(h);
      await t.sql(`UPDATE facility_place SET occupied = 1 WHERE facility_id = $1 AND kind = 'adult'`, [ids.sp]);
      expect(await placeOf(ids.sp, 'adult')).toMatchObject({ occupied: 1, held: 0, free: 0 });
      await t.sql(`UPDATE facility_place SET occupied = 0 WHERE facility_id = $1 AND kind = 'adult'`, [ids.sp]);
    });
  });

  describe('audit_log is append-only', () => {
    const auditCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0].n;

    it('has rows to protect (facility creation is audited)', async () => {
      const rows = await t.sql(`SELECT object_id FROM audit_log WHERE action = 'facility.create' ORDER BY id`);
      expect(rows.map((r) => r.object_id)).toEqual([ids.ge, ids.sp, ids.lu]);
    });

    it('refuses UPDATE', async () => {
      const before = await t.sql('SELECT * FROM audit_log ORDER BY id');
      await expect(t.sql(`UPDATE audit_log SET actor_sub = 'someone-else'`)).rejects.toMatchObject({ code: 'AP002' });
      await expect(t.sql(`UPDATE audit_log SET details = '{}'::jsonb WHERE id = (SELECT min(id) FROM audit_log)`)).rejects.toMatchObject({
        code: 'AP002',
      });
      expect(await t.sql('SELECT * FROM audit_log ORDER BY id')).toEqual(before);
    });

    it('refuses DELETE and TRUNCATE', async () => {
      const before = await auditCount();
      expect(before).toBeGreaterThan(0);
      await expect(t.sql(`DELETE FROM audit_log`)).rejects.toMatchObject({ code: 'AP002' });
      await expect(t.sql(`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`)).rejects.toMatchObject({ code: 'AP002' });
      await expect(t.sql(`TRUNCATE audit_log`)).rejects.toMatchObject({ code: 'AP002' });
      expect(await auditCount()).toBe(before);
    });

    it('still accepts new rows', async () => {
      const before = await auditCount();
      await t.sql(`INSERT INTO audit_log(actor_sub, actor_role, action, object_type) VALUES ('tester', 'admin', 'test.append', 'test')`);
      expect(await auditCount()).toBe(before + 1);
    });
  });
});
