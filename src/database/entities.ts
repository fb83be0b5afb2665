import { AuditLogEntity } from '../audit/audit.entity.js';
import { AvailabilityEventEntity, PlaceHoldEntity } from '../availability/availability.entity.js';
import { FacilityEntity, FacilityPlaceEntity } from '../facilities/facility.entity.js';
import { PlacementRequestEntity } from '../lifecycle/requests/placement-request.entity.js';
import { PlacementEntity } from '../lifecycle/placements/placement.entity.js';
import { ProposalEntity } from '../lifecycle/proposals/proposal.entity.js';
import { ProvinceEntity, RegionEntity } from '../regions/region.entity.js';

export const ENTITIES = [RegionEntity, ProvinceEntity, FacilityEntity, FacilityPlaceEntity, PlaceHoldEntity, AvailabilityEventEntity, AuditLogEntity, PlacementRequestEntity, ProposalEntity, PlacementEntity];
