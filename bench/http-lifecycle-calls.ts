import { benchApiKey } from './support/api-key.js';
import type { INestApplication } from '@nestjs/common';
import type { Principal } from '../src/auth/principal.js';
import type { CreateFacilityDto } from '../src/facilities/dto/create-facility.dto.js';
import { FacilitiesService } from '../src/facilities/facilities.service.js';
import { dayOf } from '../src/domain/italian-day.js';
import { ProposalDecisionsService } from '../src/lifecycle/proposals/proposal-decisions.service.js';
import type { CreatePlacementRequestDto } from '../src/lifecycle/requests/dto/placement-request.dto.js';
import { PlacementRequestsService } from '../src/lifecycle/requests/placement-requests.service.js';
import { withClient } from './support/database.js';
import { httpClientProcess } from './support/http-client.js';
import { log } from './support/log.js';
import { fmt, type LatencySummary, summarise } from './support/stats.js';

/** Statements counted by kind (see http-lifecycle's instrument). */
type Probes = Record<string, { calls: number; ms: number }>;
type Sampler = () => () => { serviceS: number; postgresS: number; machineBusy: number };

export interface CallRow {
  call: string;
  calls: number;
  errors: number;
  firstError?: string;
  /** statements per call besides BEGIN/START and COMMIT, and with them */
  statements: number;
  statementsAll: number;
  callsPerSecond: number;
  latency: LatencySummary;
  serviceCpuMs: number;
  postgresCpuMs: number;
  machineBusy: number;
}

const TX = new Set(['START', 'COMMIT', 'ROLLBACK']);

/**
 * Every lifecycle call under concurrency (issue 25): `clients` clients each make `perClient` calls
 * of one kind at once, on proposals prepared by the phases before (propose → accept → admit →
 * discharge; propose → decline; propose → withdraw); expiry is the job's (one caller, in the
 * service process, on holds set past their time). Statements and CPU per call of each phase.
 */
export async function callsUnderConcurrency(o: {
  app: INestApplication;
  base: string;
  dbUrl: string;
  uor: Principal;
  admin: Principal;
  clients: number;
  perClient: number;
  probes: { start: () => void; stop: () => { statements: Probes } };
  cpu: Sampler;
  facility: (beds: number, label: string) => CreateFacilityDto;
  request: (i: number) => CreatePlacementRequestDto;
}): Promise<CallRow[]> {
  const { app, clients, perClient: k } = o;
  const facilityIds: string[] = [];
  for (let c = 0; c < clients; c++) facilityIds.push((await app.get(FacilitiesService).create(o.admin, o.facility(k, 'calls'))).id);
  const manager: Principal = { sub: 'bench-manager', role: 'shelter_manager', facilities: facilityIds, email: 'manager@example.org' };
  // a production service believes no local token (issue 34): members' API keys, as machine clients call it
  const uorHttp = httpClientProcess(o.base, { authorization: `Bearer ${await benchApiKey(app, o.dbUrl, o.uor)}` });
  const managerHttp = httpClientProcess(o.base, { authorization: `Bearer ${await benchApiKey(app, o.dbUrl, manager)}` });
  let seq = 100_000;
  const newRequests = async () => {
    const ids: string[][] = [];
    for (let c = 0; c < clients; c++) {
      ids.push([]);
      for (let i = 0; i < k; i++) ids[c].push((await app.get(PlacementRequestsService).create(o.uor, o.request(seq++))).id);
    }
    return ids;
  };
  const rows: CallRow[] = [];
  /** one phase: every client its `k` calls, one after another; answers `ids[c][i]` for the next phase */
  const phase = async (
    call: string,
    send: (c: number, i: number) => Promise<{ status: number; code?: string; id?: string }>,
    ok: number,
    keep = true,
  ) => {
    const out: string[][] = Array.from({ length: clients }, () => []);
    const lat: bigint[] = [];
    let errors = 0;
    let firstError: string | undefined;
    o.probes.start();
    const taken = o.cpu();
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let i = 0; i < k; i++) {
          const a = process.hrtime.bigint();
          const r = await send(c, i);
          lat.push(process.hrtime.bigint() - a);
          if (r.status !== ok) {
            errors++;
            firstError ??= `${call}: HTTP ${r.status} ${r.code ?? ''}`;
          }
          out[c].push(r.id ?? '');
        }
      }),
    );
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = taken();
    const r = row(call, clients * k, errors, firstError, o.probes.stop().statements, wallS, summarise(lat), cpu);
    if (keep || errors) rows.push(r);
    log(`  ${call}: ${fmt(r.statements, 1)} statements, ${fmt(r.serviceCpuMs)} ms service CPU per call, ${errors} errors`);
    return out;
  };
  const propose = async (keep: boolean) => {
    const requests = await newRequests();
    return phase(
      'propose',
      (c, i) => uorHttp.send('POST', `/api/v1/placement-requests/${requests[c][i]}/proposals`, { facilityId: facilityIds[c] }),
      201,
      keep,
    );
  };
  try {
    const accepted = await propose(true);
    await phase('accept', (c, i) => managerHttp.send('POST', `/api/v1/proposals/${accepted[c][i]}/accept`), 200);
    await phase('admit', (c, i) => managerHttp.send('POST', `/api/v1/proposals/${accepted[c][i]}/admit`), 200);
    const placements = await withClient(o.dbUrl, async (db) => {
      const byProposal = new Map<string, string>(
        (await db.query(`SELECT proposal_id, id FROM placement WHERE proposal_id = ANY($1)`, [accepted.flat()])).rows.map((r) => [
          r.proposal_id as string,
          r.id as string,
        ]),
      );
      return accepted.map((ids) => ids.map((id) => byProposal.get(id) ?? ''));
    });
    const date = dayOf(new Date());
    await phase(
      'discharge',
      (c, i) => managerHttp.send('POST', `/api/v1/placements/${placements[c][i]}/discharge`, { reason: 'completed', date }),
      200,
    );
    const declined = await propose(false);
    await phase(
      'decline',
      (c, i) => managerHttp.send('POST', `/api/v1/proposals/${declined[c][i]}/decline`, { reason: 'staff_capacity' }),
      200,
    );
    const withdrawn = await propose(false);
    await phase('withdraw', (c, i) => uorHttp.send('POST', `/api/v1/proposals/${withdrawn[c][i]}/withdraw`), 200);
    // expiry: the job's one caller, in the service process, on holds set past their time
    const expiring = (await propose(false)).flat();
    await withClient(o.dbUrl, (db) =>
      db.query(
        `UPDATE place_hold SET expires_at = now() - interval '1 minute' WHERE id IN (SELECT hold_id FROM proposal WHERE id = ANY($1))`,
        [expiring],
      ),
    );
    o.probes.start();
    const taken = o.cpu();
    const t0 = process.hrtime.bigint();
    let freed = 0;
    for (let n = -1; n !== 0;) freed += n = await app.get(ProposalDecisionsService).expireDue(100);
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = taken();
    rows.push(
      row('expire (the job: one caller)', freed, expiring.length - freed, undefined, o.probes.stop().statements, wallS, summarise([]), cpu),
    );
  } finally {
    await uorHttp.close();
    await managerHttp.close();
  }
  return rows;

  function row(
    call: string,
    calls: number,
    errors: number,
    firstError: string | undefined,
    statements: Probes,
    wallS: number,
    latency: LatencySummary,
    cpu: { serviceS: number; postgresS: number; machineBusy: number },
  ): CallRow {
    const all = Object.values(statements).reduce((a, p) => a + p.calls, 0);
    const control = Object.entries(statements).reduce((a, [kind, p]) => a + (TX.has(kind) ? p.calls : 0), 0);
    return {
      call,
      calls,
      errors,
      firstError,
      statements: (all - control) / calls,
      statementsAll: all / calls,
      callsPerSecond: calls / wallS,
      latency,
      serviceCpuMs: (1000 * cpu.serviceS) / calls,
      postgresCpuMs: (1000 * cpu.postgresS) / calls,
      machineBusy: cpu.machineBusy,
    };
  }
}
