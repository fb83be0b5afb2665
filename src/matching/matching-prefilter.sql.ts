/**
 * The database half of matching: every facility gets the FIRST failing hard constraint in the
 * precedence of EXCLUSION_REASONS, computed as the pure core would, or NULL when it passes, or
 * when a distance is too close to a limit to trust floating point (the core decides those).
 * Only NULL rows travel to TypeScript. test/integration/matching-prefilter.spec.ts checks that
 * this agrees with the pure core on random networks and profiles.
 *
 * $1 origin lat, $2 origin lon, $3 excluded provinces, $4 excluded regions, $5 min km (or null),
 * $6 cross-region allowed, $7 requester region, $8 max km (or null), $9 gender, $10 is minor,
 * $11 number of children, $12 required protection rank, $13 required supports,
 * $14 place kinds that fit, $15 conflict tags, $16 request to leave out of conflict tags.
 */
export const PREFILTER_SQL = `
WITH live_tags AS (
  SELECT facility_id, array_agg(tag) AS tags FROM (
    SELECT p.facility_id, unnest(r.conflict_tags) AS tag FROM proposal p JOIN placement_request r ON r.id = p.request_id
     WHERE p.status IN ('pending', 'accepted') AND r.id IS DISTINCT FROM $16::uuid AND r.conflict_tags && $15::text[]
    UNION ALL
    SELECT pl.facility_id, unnest(r.conflict_tags) FROM placement pl JOIN placement_request r ON r.id = pl.request_id
     WHERE pl.status = 'active' AND r.id IS DISTINCT FROM $16::uuid AND r.conflict_tags && $15::text[]
  ) x GROUP BY facility_id),
scored AS (
  SELECT f.id, f.province_code, f.region_code, f.accepts_genders, f.accepts_minors, f.accepts_adults, f.accepts_children,
         f.protection_level, f.supports, f.accepting_new_guests, t.tags,
         2 * 6371.0088 * asin(sqrt(
           power(sin(radians(f.match_lat - $1) / 2), 2)
           + cos(radians($1)) * cos(radians(f.match_lat)) * power(sin(radians(f.match_lon - $2) / 2), 2))) AS d
  FROM facility f LEFT JOIN live_tags t ON t.facility_id = f.id),
judged AS (
  -- CASE stops at the first true branch: the place lookups run only for facilities that get that far
  SELECT id, CASE
    WHEN tags && $15::text[] THEN 'conflict'
    WHEN province_code = ANY($3::text[]) OR region_code = ANY($4::text[]) THEN 'excluded_area'
    WHEN $5::float8 > 0 AND abs(d - $5) < 0.01 THEN NULL
    WHEN $5::float8 > 0 AND d < $5 THEN 'too_close'
    WHEN NOT $6::boolean AND region_code <> $7 THEN 'out_of_region'
    WHEN $8::float8 IS NOT NULL AND abs(d - $8) < 0.01 THEN NULL
    WHEN $8::float8 IS NOT NULL AND d > $8 THEN 'too_far'
    WHEN NOT ($9 = ANY(accepts_genders)) THEN 'gender_not_accepted'
    WHEN CASE WHEN $10::boolean THEN NOT accepts_minors ELSE NOT accepts_adults END THEN 'age_not_accepted'
    WHEN $11 > 0 AND (NOT accepts_children OR NOT EXISTS (
           SELECT 1 FROM facility_place p WHERE p.facility_id = scored.id AND p.kind = 'mother_child' AND coalesce(p.child_capacity, 0) >= $11))
      THEN 'children_not_accepted'
    WHEN (CASE protection_level WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END) < $12 THEN 'protection_too_low'
    WHEN NOT (supports @> $13::text[]) THEN 'needs_unsupported'
    WHEN NOT accepting_new_guests THEN 'not_accepting'
    WHEN NOT EXISTS (
           SELECT 1 FROM facility_place p WHERE p.facility_id = scored.id AND p.kind = ANY($14::text[])
             AND (p.kind <> 'mother_child' OR $11 = 0 OR coalesce(p.child_capacity, 0) >= $11)
             AND p.total - p.occupied - p.out_of_service
                 - (SELECT count(*) FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL) > 0)
      THEN 'no_free_place'
  END AS reason FROM scored)
SELECT reason, count(*)::int AS n, CASE WHEN reason IS NULL THEN array_agg(id) END AS ids FROM judged GROUP BY reason`;
