import { Injectable } from '@nestjs/common';
import type { SqlPart } from '../database/sql-parts.js';
import type { Tx } from '../database/transactions.repository.js';

/** Who to tell: a facility's contact, a request's UOR (its author, else the region's contact). */
@Injectable()
export class RecipientsRepository {
  /** facilityAndRegionContacts as a read of a unit of work's one statement. */
  facilityAndRegionContactsPart(facilityId: string): SqlPart {
    return {
      sql: `SELECT f.contact_email AS facility, f.region_code AS "regionCode", rg.uor_email AS uor FROM facility f JOIN region rg ON rg.code = f.region_code WHERE f.id = $1`,
      params: [facilityId],
    };
  }

  async facilityContact(tx: Tx, facilityId: string): Promise<string | null> {
    const [r] = await tx.query(`SELECT contact_email AS email FROM facility WHERE id = $1`, [facilityId]);
    return r?.email ?? null;
  }

  /** A facility's contact and the UOR of the region it is in (the region's contact e-mail), in one statement. */
  async facilityAndRegionContacts(
    tx: Tx,
    facilityId: string,
  ): Promise<{ facility: string | null; regionCode: string; uor: string | null } | null> {
    const [r] = await tx.query(
      `SELECT f.contact_email AS facility, f.region_code AS "regionCode", rg.uor_email AS uor FROM facility f JOIN region rg ON rg.code = f.region_code WHERE f.id = $1`,
      [facilityId],
    );
    return r ?? null;
  }

  async requestContact(tx: Tx, requestId: string): Promise<{ email: string | null; caseCode: string } | null> {
    const [r] = await tx.query(
      `SELECT coalesce(pr.created_by_email, rg.uor_email) AS email, pr.case_code AS "caseCode"
       FROM placement_request pr JOIN region rg ON rg.code = pr.region_code WHERE pr.id = $1`,
      [requestId],
    );
    return r ?? null;
  }
}
