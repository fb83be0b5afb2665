import fc from 'fast-check';
import { foldConflictTag, isCanonicalConflictTag } from '../../domain/conflict-tags.js';
import type { FacilitySnapshot, MatchRequest } from '../../domain/types.js';
import { arbFacility, arbRequest, PROVINCES } from '../../../test/support/core-arbitraries.js';
import { aFacility, aRequest, TEST_WEIGHTS } from '../../../test/support/core-factories.js';
import { km, violations } from '../../../test/support/core-oracle.js';
import { checkHardConstraints } from './hard-constraints.js';
import { packNetwork, rankPacked } from './packed-network.js';
import { rankCandidates } from './rank.js';

/** Issue 28: the hard constraints hold for what people really type, not only for exact spellings. */

const WORD = fc.stringMatching(/^[a-z0-9]{1,6}$/);
/** A canonical tag: 1–4 words of a-z0-9 joined by single dashes, 2–40 characters. */
const arbTag = fc
  .array(WORD, { minLength: 1, maxLength: 4 })
  .map((w) => w.join('-'))
  .filter(isCanonicalConflictTag);

const ACCENTED: Record<string, string[]> = {
  a: ['à', 'á', 'â', 'ä', 'À', 'Á'],
  e: ['è', 'é', 'ê', 'È', 'É'],
  i: ['ì', 'í', 'î', 'Ì'],
  o: ['ò', 'ó', 'ô', 'ö', 'Ò'],
  u: ['ù', 'ú', 'ü', 'Ù'],
  c: ['ç', 'Ç'],
  n: ['ñ', 'Ñ'],
};
/** How one character may be typed: as is, upper case, accented, full-width (NFKC folds it back). */
const arbChar = (ch: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    ch,
    ch.toUpperCase(),
    ...(ACCENTED[ch] ?? []),
    String.fromCharCode(ch.charCodeAt(0) + 0xfee0), // full-width form
  );
/** What people put between words, or around the tag: spaces, dots, underscores, slashes, dashes, runs of them. */
const arbSeparator = fc
  .array(fc.constantFrom(' ', '.', '_', '/', '-', '–', '—', '\u00a0', '  ', '\t'), { minLength: 1, maxLength: 3 })
  .map((s) => s.join(''));
const arbEdge = fc.oneof(fc.constant(''), arbSeparator, fc.constantFrom(' ', '  ', '\t'));

/** A random spelling of `tag` that a careful operator would still call the same network. */
const arbSpelling = (tag: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      arbEdge,
      fc.tuple(...tag.split('-').map((w) => fc.tuple(...[...w].map(arbChar)).map((cs) => cs.join('')))),
      fc.array(arbSeparator, { minLength: tag.split('-').length, maxLength: tag.split('-').length }),
      arbEdge,
    )
    .map(([lead, words, seps, trail]) => lead + words.map((w, i) => (i ? seps[i] : '') + w).join('') + trail);

/** A house hosting someone of `tags`, and a request carrying `tags`: everything else fits. */
const hosting = (tags: string[]) => aFacility({ id: 'hosting', conflictTags: tags });
const carrying = (tags: string[]) => aRequest({ safety: { conflictTags: tags } });

describe('conflict tags typed differently (property)', () => {
  it('every spelling of a tag folds to it, and two spellings always conflict', () => {
    fc.assert(
      fc.property(
        arbTag.chain((tag) => fc.tuple(fc.constant(tag), arbSpelling(tag), arbSpelling(tag))),
        ([tag, typedFirst, typedThen]) => {
          expect(foldConflictTag(typedFirst)).toBe(tag);
          expect(foldConflictTag(typedThen)).toBe(tag);
          const check = checkHardConstraints(carrying([foldConflictTag(typedThen)]), hosting([foldConflictTag(typedFirst)]));
          expect(check).toMatchObject({ ok: false, reasons: expect.arrayContaining(['conflict']) });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('different tags, however typed, never conflict', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(arbTag, arbTag)
          .filter(([a, b]) => a !== b)
          .chain(([a, b]) => fc.tuple(arbSpelling(a), arbSpelling(b))),
        ([typedA, typedB]) => {
          expect(foldConflictTag(typedA)).not.toBe(foldConflictTag(typedB));
          expect(checkHardConstraints(carrying([foldConflictTag(typedB)]), hosting([foldConflictTag(typedA)]))).toMatchObject({ ok: true });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the examples of the contract fold alike', () => {
    expect(['Rete GE 77', 'RETE-GE-77 ', 'rete_ge.77', ' rete/ge--77', 'Rète GE 77', 'ＲＥＴＥ ＧＥ ７７'].map(foldConflictTag)).toEqual(
      Array(6).fill('rete-ge-77'),
    );
  });
});

/** A small network, so 100,000 requests stay fast; provinces repeat, so areas and distances bite often. */
const arbSmallNetwork: fc.Arbitrary<FacilitySnapshot[]> = fc
  .integer({ min: 1, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbFacility(`f-${String(i).padStart(2, '0')}`, { maxFree: 1 }))));

/** Requests where she was exploited somewhere, with a distance to keep, most of the time. */
const arbExploitedRequest: fc.Arbitrary<MatchRequest> = fc
  .tuple(
    arbRequest,
    fc.subarray([...PROVINCES], { minLength: 0, maxLength: 3 }),
    fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 400 })),
    fc.boolean(),
  )
  .map(([req, areas, minDistanceKm, allow]) => ({
    ...req,
    safety: { ...req.safety, exploitationAreas: areas, minDistanceKm, allowExploitationArea: allow && areas.length > 0 },
  }));

// each run judges every one of its requests on every one of its networks: 1,000 × 20 × 5 = 100,000 pairs
const RUNS = 1000;
const REQUESTS_PER_RUN = 20;
const NETWORKS_PER_RUN = 5;

describe('100,000 random requests on random networks (property)', () => {
  it('no candidate violates a hard constraint (exploitation_area and too_close from the exploitation provinces included), as the catalogue ranks', () => {
    let requests = 0;
    let candidates = 0;
    let exploitationExcluded = 0;
    let tooCloseFromArea = 0;
    fc.assert(
      fc.property(
        fc.array(arbSmallNetwork, { minLength: NETWORKS_PER_RUN, maxLength: NETWORKS_PER_RUN }),
        fc.array(arbExploitedRequest, { minLength: REQUESTS_PER_RUN, maxLength: REQUESTS_PER_RUN }),
        (networks, reqs) => {
          for (const network of networks) {
            const packed = packNetwork(network);
            const byId = new Map(network.map((f) => [f.id, f]));
            for (const req of reqs) {
              requests++;
              const result = rankPacked(req, packed, TEST_WEIGHTS);
              // the catalogue's path, as the service ranks (packed-network.spec holds it equal to rankCandidates)
              for (const c of result.candidates) {
                candidates++;
                const f = byId.get(c.facilityId)!;
                const v = violations(req, f, c.placeKind);
                if (v.length) throw new Error(`${f.id} in ${f.provinceCode} violates ${v.join(', ')}`);
                const areas = req.safety.exploitationAreas ?? [];
                // what the candidate says about the exploitation area is true (plain checks: 100,000 expect() calls are slow)
                const nearest = areas.length ? Math.min(...areas.map((a) => km(f.point, a.point))) : null;
                const distanceRight =
                  nearest === null
                    ? c.exploitationDistanceKm === null
                    : Math.abs((c.exploitationDistanceKm ?? NaN) - nearest) <= 0.05 + 1e-9;
                const warned = c.warnings.includes('same_region_as_exploitation');
                // in an exploitation province only when allowed, and then always said
                const inArea = c.warnings.includes('in_exploitation_area');
                const unknownHere = c.warnings.includes('exploitation_area_unknown_same_province');
                const unguarded = !areas.length && !req.safety.minDistanceKm && f.provinceCode === req.origin.provinceCode;
                if (
                  !distanceRight ||
                  warned !== areas.some((a) => a.regionCode === f.regionCode) ||
                  inArea !== areas.some((a) => a.provinceCode === f.provinceCode) ||
                  (inArea && !req.safety.allowExploitationArea) ||
                  unknownHere !== unguarded
                )
                  throw new Error(
                    `${f.id}: exploitationDistanceKm ${c.exploitationDistanceKm} (nearest ${nearest}), warnings ${c.warnings}`,
                  );
              }
              exploitationExcluded += result.excluded.find((e) => e.reason === 'exploitation_area')?.count ?? 0;
              if ((req.safety.exploitationAreas ?? []).length && req.safety.minDistanceKm)
                tooCloseFromArea += result.excluded.find((e) => e.reason === 'too_close')?.count ?? 0;
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(requests).toBe(100_000);
    // the generators really exercise the rules under test
    expect(candidates).toBeGreaterThan(10_000);
    expect(exploitationExcluded).toBeGreaterThan(1_000);
    expect(tooCloseFromArea).toBeGreaterThan(1_000);
  });

  it('a single adult offered a mother-child unit is marked as a fallback, never when an adult bed is free', () => {
    const single = aRequest();
    const onlyMotherChild = aFacility({ places: [{ kind: 'mother_child', free: 1, childCapacity: 2 }] });
    const both = aFacility({ id: 'fac-2' });
    const { candidates } = rankCandidates(single, [onlyMotherChild, both], TEST_WEIGHTS);
    expect(candidates.map((c) => [c.facilityId, c.placeKind, c.placeKindFallback]).sort()).toEqual([
      ['fac-1', 'mother_child', true],
      ['fac-2', 'adult', false],
    ]);
    const mother = aRequest({ person: { children: [{ age: 3, sex: 'female' }] } });
    expect(rankCandidates(mother, [onlyMotherChild], TEST_WEIGHTS).candidates[0]).toMatchObject({ placeKindFallback: false });
  });

  it('exploitation_area unless allowed; too_close from the nearest exploitation province, from the origin only when none is given', () => {
    const ge = PROVINCES.find((p) => p.provinceCode === 'GE')!;
    const lu = PROVINCES.find((p) => p.provinceCode === 'LU')!;
    const inGenoa = aFacility();
    const inSpezia = aFacility({ id: 'fac-sp', provinceCode: 'SP', point: PROVINCES.find((p) => p.provinceCode === 'SP')!.point });
    // she is in Genova now, was exploited in Genova
    const exploitedHere = aRequest({ safety: { exploitationAreas: [ge] } });
    expect(checkHardConstraints(exploitedHere, inGenoa)).toMatchObject({ ok: false, reasons: ['exploitation_area'] });
    expect(
      checkHardConstraints({ ...exploitedHere, safety: { ...exploitedHere.safety, allowExploitationArea: true } }, inGenoa),
    ).toMatchObject({
      ok: true,
    });
    // exploited in Lucca, now in Genova: 100 km from Lucca holds Spezia (~60 km from it) out, not Genova (~150 km)
    const exploitedInLucca = aRequest({ safety: { exploitationAreas: [lu], minDistanceKm: 100 } });
    expect(checkHardConstraints(exploitedInLucca, inSpezia)).toMatchObject({ ok: false, reasons: ['too_close'] });
    expect(checkHardConstraints(exploitedInLucca, inGenoa)).toMatchObject({ ok: true });
    // not known: from where she is now
    const unknown = aRequest({ safety: { minDistanceKm: 60 } });
    expect(checkHardConstraints(unknown, inGenoa)).toMatchObject({ ok: false, reasons: ['too_close'] });
    expect(checkHardConstraints(unknown, inSpezia)).toMatchObject({ ok: true });
  });
});
