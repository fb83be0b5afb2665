import { ReferenceData1763900000000 } from './1763900000000-reference-data.js';
import { Facilities1763900001000 } from './1763900001000-facilities.js';
import { Placements1763900002000 } from './1763900002000-placements.js';
import { Notifications1763900003000 } from './1763900003000-notifications.js';
import { HoldFunctions1763900004000 } from './1763900004000-hold-functions.js';
import { CatalogVersion1763900005000 } from './1763900005000-catalog-version.js';
import { CatalogStamps1763900006000 } from './1763900006000-catalog-stamps.js';
import { FacilityExternalCode1763900010000 } from './1763900010000-facility-external-code.js';
import { CatalogStampOnce1763900011000 } from './1763900011000-catalog-stamp-once.js';
import { SeedsPractice1763900008000 } from './1763900008000-seeds-practice.js';
import { ReportFacts1763900009000 } from './1763900009000-report-facts.js';
import { ReportRollups1763900012000 } from './1763900012000-report-rollups.js';
import { OneRuleEach1763900013000 } from './1763900013000-one-rule-each.js';
import { ReportOrderedReads1763900014000 } from './1763900014000-report-ordered-reads.js';
import { MembersSessions1763900015000 } from './1763900015000-members-sessions.js';
import { UorOnCallPhone1763900017000 } from './1763900017000-uor-on-call-phone.js';
import { LiveEvents1763900016000 } from './1763900016000-live-events.js';
import { Push1763900016100 } from './1763900016100-push.js';
import { ReportSummaryFacts1763900018000 } from './1763900018000-report-summary-facts.js';
import { FoldConflictTags1763900019000 } from './1763900019000-fold-conflict-tags.js';
import { ApiKeys1763900020000 } from './1763900020000-api-keys.js';
import { BackchannelLogout1763900021000 } from './1763900021000-backchannel-logout.js';
import { ReportRollupDeltas1763900022000 } from './1763900022000-report-rollup-deltas.js';
import { TriggerCuts1763900022100 } from './1763900022100-trigger-cuts.js';
import { ProposalWithdrawnReason1763900024000 } from './1763900024000-proposal-withdrawn-reason.js';
import { LiveEventNotifyId1763900025000 } from './1763900025000-live-event-notify-id.js';
import { HoldOrFail1763900026000 } from './1763900026000-hold-or-fail.js';

/** Every migration, in order. Listed as classes so ts-jest and the compiled service load the same set. */
export const MIGRATIONS = [
  ReferenceData1763900000000,
  Facilities1763900001000,
  Placements1763900002000,
  Notifications1763900003000,
  HoldFunctions1763900004000,
  CatalogVersion1763900005000,
  CatalogStamps1763900006000,
  SeedsPractice1763900008000,
  ReportFacts1763900009000,
  FacilityExternalCode1763900010000,
  CatalogStampOnce1763900011000,
  ReportRollups1763900012000,
  OneRuleEach1763900013000,
  ReportOrderedReads1763900014000,
  MembersSessions1763900015000,
  LiveEvents1763900016000,
  Push1763900016100,
  UorOnCallPhone1763900017000,
  ReportSummaryFacts1763900018000,
  FoldConflictTags1763900019000,
  ApiKeys1763900020000,
  BackchannelLogout1763900021000,
  ReportRollupDeltas1763900022000,
  TriggerCuts1763900022100,
  ProposalWithdrawnReason1763900024000,
  LiveEventNotifyId1763900025000,
  HoldOrFail1763900026000,
];
