import type { ExploitationType, Gender, ProtectionLevel, Stage, Support } from '../../src/domain/types.js';
import type { CreatePlacementRequestDto } from '../../src/lifecycle/requests/dto/placement-request.dto.js';
import type { Urgency } from '../../src/lifecycle/requests/placement-request.entity.js';
import { PROVINCES, type ProvinceSeed } from '../../src/regions/regions.data.js';
import { PROVINCE_ENTRIES } from './network.js';
import { Rng } from './rng.js';

const F: Gender = 'female';
const M: Gender = 'male';
const T: Gender = 'transgender';

const PERSON_LANGUAGES: readonly (readonly [string, number])[] = [
  ['en', 0.55],
  ['pcm', 0.25],
  ['fr', 0.2],
  ['ro', 0.12],
  ['ar', 0.12],
  ['bn', 0.06],
  ['ur', 0.05],
  ['sq', 0.05],
  ['es', 0.05],
  ['zh', 0.04],
  ['ti', 0.03],
  ['uk', 0.03],
];

type Archetype =
  'woman with children' | 'man, labour' | 'minor' | 'transgender woman' | 'woman, sexual exploitation' | 'adult with a support need';
const ARCHETYPES: readonly Archetype[] = [
  'woman with children',
  'man, labour',
  'minor',
  'transgender woman',
  'woman, sexual exploitation',
  'adult with a support need',
];

const LIGURIA = PROVINCES.filter((p) => p.regionCode === '07').map((p) => [p, p.code === 'GE' ? 5 : 2] as const);

export interface GeneratedRequest {
  archetype: Archetype;
  dto: CreatePlacementRequestDto;
}

/**
 * `count` requests as a Liguria (region 07) UOR would open them, cycling through the archetypes
 * with seeded variation: people found mostly in Liguria, some elsewhere; protection levels, excluded
 * provinces and regions, minDistanceKm, crossRegion true/false, maxDistanceKm, a preferred province
 * and pseudonymous conflict tags (net-1 … net-8) in varying combinations.
 */
export function generateRequests(count: number, seed: number): GeneratedRequest[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const archetype = ARCHETYPES[i % ARCHETYPES.length];
    const origin: ProvinceSeed = rng.chance(0.65) ? rng.weighted(LIGURIA) : rng.weighted(PROVINCE_ENTRIES);
    const languages = rng.subset(PERSON_LANGUAGES);
    let gender: Gender = F;
    let age = rng.int(19, 45);
    let children: { age: number }[] = [];
    let pregnant = false;
    let exploitation: ExploitationType[] = ['sexual'];
    let needs: Support[] = [];
    let protectionLevel: ProtectionLevel = rng.weighted([
      ['high', 5],
      ['medium', 3],
      ['low', 1],
    ] as const);
    switch (archetype) {
      case 'woman with children':
        children = Array.from(
          {
            length: rng.weighted([
              [1, 5],
              [2, 3],
              [3, 1],
            ] as const),
          },
          () => ({ age: rng.int(0, 12) }),
        );
        pregnant = rng.chance(0.15);
        exploitation = rng.chance(0.7) ? ['sexual'] : ['sexual', 'domestic_servitude'];
        break;
      case 'man, labour':
        gender = M;
        exploitation = rng.chance(0.7) ? ['labour'] : ['labour', 'forced_crime'];
        protectionLevel = rng.weighted([
          ['high', 1],
          ['medium', 3],
          ['low', 2],
        ] as const);
        break;
      case 'minor':
        gender = rng.pick([F, M]);
        age = rng.int(14, 17);
        exploitation = gender === F ? ['sexual'] : rng.pick([['labour'], ['forced_crime'], ['begging']] as ExploitationType[][]);
        protectionLevel = 'high';
        break;
      case 'transgender woman':
        gender = T;
        exploitation = ['sexual'];
        break;
      case 'woman, sexual exploitation':
        pregnant = rng.chance(0.2);
        break;
      case 'adult with a support need':
        gender = rng.pick([F, M]);
        needs = [
          rng.weighted([
            ['mental_health', 3],
            ['substance_use', 2],
            ['disability', 1],
          ] as const),
        ];
        exploitation = gender === M ? ['labour'] : ['sexual'];
        protectionLevel = rng.weighted([
          ['high', 2],
          ['medium', 3],
          ['low', 1],
        ] as const);
        break;
    }
    const excludedProvinces = rng.chance(0.45) ? [origin.code] : [];
    if (rng.chance(0.15)) {
      const other = rng.weighted(PROVINCE_ENTRIES).code;
      if (!excludedProvinces.includes(other)) excludedProvinces.push(other);
    }
    const excludedRegions = rng.chance(0.12) ? [origin.regionCode] : [];
    const minDistanceKm = rng.chance(0.3) ? rng.int(3, 30) * 10 : undefined;
    // where she was exploited (issue 28): mostly where she is now, sometimes elsewhere, often not known
    const exploitationProvinces = rng.chance(0.3) ? [origin.code] : rng.chance(0.1) ? [rng.weighted(PROVINCE_ENTRIES).code] : [];
    const conflictTags = rng.chance(0.45) ? [`net-${rng.int(1, 8)}`] : [];
    const crossRegion = rng.chance(0.7);
    const maxDistanceKm = rng.chance(0.35) ? rng.int(2, 16) * 50 : undefined;
    const nearProvinceCode = rng.chance(0.2) ? rng.weighted(PROVINCE_ENTRIES).code : undefined;
    const stage: Stage = rng.chance(0.8) ? 'first_reception' : 'second_reception';
    const urgency: Urgency = rng.weighted([
      ['immediate', 3],
      ['within_24h', 2],
      ['planned', 1],
    ] as const);
    const dto: CreatePlacementRequestDto = {
      caseCode: `BENCH-${seed}-${String(i + 1).padStart(3, '0')}`,
      person: { gender, age, children, pregnant, languages, exploitation, needs },
      protectionLevel,
      stage,
      origin: { provinceCode: origin.code },
      safety: {
        exploitationProvinces,
        excludedProvinces,
        excludedRegions,
        conflictTags,
        ...(minDistanceKm !== undefined ? { minDistanceKm } : {}),
      },
      preferences: {
        crossRegion,
        ...(maxDistanceKm !== undefined ? { maxDistanceKm } : {}),
        ...(nearProvinceCode ? { nearProvinceCode } : {}),
      },
      urgency,
    };
    return { archetype, dto };
  });
}
