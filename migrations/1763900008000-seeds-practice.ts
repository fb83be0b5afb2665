import { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_TYPES = `'casa_di_fuga','high_intensity_community','medium_intensity_community','protected_flat','semi_autonomy_flat','autonomy_flat'`;
const OLD_DECLINE = `'no_capacity','profile_not_suitable','safety','other'`;
const NEW_DECLINE = `'no_longer_free','profile_not_suitable','safety_risk','group_composition','staff_capacity','other'`;
const OLD_DISCHARGE = `'completed','transferred','left','assisted_return','other'`;
const NEW_DISCHARGE = `'completed','transferred','left','assisted_return','safety_relocation','rule_breach','other_network','other'`;

/**
 * The seeds' practice: what operators choose facilities by (on-call phone, services, wheelchair
 * access, LGBT+-safety, legal statuses, boys' age limit, expected stay, educator hours), two new
 * facility types, decline notes and the reasons the network really uses, and the facility a
 * transfer comes from.
 */
export class SeedsPractice1763900008000 implements MigrationInterface {
  name = 'SeedsPractice1763900008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE facility
      ADD COLUMN on_call_phone text CHECK (on_call_phone ~ '^\\+[1-9][0-9]{6,14}$'),
      ADD COLUMN services text[] NOT NULL DEFAULT '{}',
      ADD COLUMN wheelchair_accessible boolean NOT NULL DEFAULT false,
      ADD COLUMN lgbt_safe boolean NOT NULL DEFAULT false,
      ADD COLUMN legal_statuses_accepted text[] NOT NULL DEFAULT '{}',
      ADD COLUMN accepts_boys_up_to_age integer CHECK (accepts_boys_up_to_age BETWEEN 0 AND 17),
      ADD COLUMN expected_stay_days integer CHECK (expected_stay_days BETWEEN 1 AND 3650),
      ADD COLUMN educator_hours_per_week integer CHECK (educator_hours_per_week BETWEEN 0 AND 168)`);
    await q.query(`ALTER TABLE facility DROP CONSTRAINT facility_type_check`);
    await q.query(`ALTER TABLE facility ADD CONSTRAINT facility_type_check CHECK (type IN (${OLD_TYPES},'social_housing','emergency_accommodation'))`);

    await q.query(`ALTER TABLE proposal DROP CONSTRAINT proposal_decline_reason_check`);
    await q.query(`UPDATE proposal SET decline_reason = CASE decline_reason WHEN 'no_capacity' THEN 'no_longer_free' WHEN 'safety' THEN 'safety_risk' ELSE decline_reason END WHERE decline_reason IN ('no_capacity','safety')`);
    await q.query(`ALTER TABLE proposal ADD CONSTRAINT proposal_decline_reason_check CHECK (decline_reason IN (${NEW_DECLINE}))`);
    // staff-to-staff: never in e-mails, logs or report facts
    await q.query(`ALTER TABLE proposal ADD COLUMN decline_note text CHECK (length(decline_note) <= 300)`);

    await q.query(`ALTER TABLE placement DROP CONSTRAINT placement_discharge_reason_check`);
    await q.query(`ALTER TABLE placement ADD CONSTRAINT placement_discharge_reason_check CHECK (discharge_reason IN (${NEW_DISCHARGE}))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE placement DROP CONSTRAINT placement_discharge_reason_check`);
    await q.query(`UPDATE placement SET discharge_reason = 'other' WHERE discharge_reason IN ('safety_relocation','rule_breach','other_network')`);
    await q.query(`ALTER TABLE placement ADD CONSTRAINT placement_discharge_reason_check CHECK (discharge_reason IN (${OLD_DISCHARGE}))`);

    await q.query(`ALTER TABLE proposal DROP COLUMN decline_note`);
    await q.query(`ALTER TABLE proposal DROP CONSTRAINT proposal_decline_reason_check`);
    await q.query(
      `UPDATE proposal SET decline_reason = CASE decline_reason WHEN 'no_longer_free' THEN 'no_capacity' WHEN 'safety_risk' THEN 'safety' ELSE 'other' END
        WHERE decline_reason IN ('no_longer_free','safety_risk','group_composition','staff_capacity')`,
    );
    await q.query(`ALTER TABLE proposal ADD CONSTRAINT proposal_decline_reason_check CHECK (decline_reason IN (${OLD_DECLINE}))`);

    await q.query(`ALTER TABLE facility DROP CONSTRAINT facility_type_check`);
    await q.query(`ALTER TABLE facility ADD CONSTRAINT facility_type_check CHECK (type IN (${OLD_TYPES}))`);
    await q.query(`ALTER TABLE facility
      DROP COLUMN on_call_phone, DROP COLUMN services, DROP COLUMN wheelchair_accessible, DROP COLUMN lgbt_safe,
      DROP COLUMN legal_statuses_accepted, DROP COLUMN accepts_boys_up_to_age, DROP COLUMN expected_stay_days,
      DROP COLUMN educator_hours_per_week`);
  }
}
