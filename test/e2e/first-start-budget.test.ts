// The validity budget (CATCHMENTS_VALIDITY_MAX_*) guards the admin API against hostile uploads. The
// sample the project ships is seeded on first start without it: a small budget, or a busy machine,
// must not stop `npm start`, while the same boundaries sent through the admin API meet the budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../functions/local-app.js';
import { call, startTestApp } from '../support/local-app.js';

const TOKEN = 'first-start-budget-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
let app: LocalApp;

beforeAll(async () => {
  app = await startTestApp({ CATCHMENTS_ADMIN_TOKEN: TOKEN, CATCHMENTS_VALIDITY_MAX_VERTICES: '1000' });
}, 120_000);
afterAll(() => app?.close());

describe('first start under a validity budget smaller than the sample', () => {
  it('seeds and serves the sample area', async () => {
    const areas = await call(app, '/v1/areas');
    expect(areas.status).toBe(200);
    const listed = areas.json as { areas: { id: string; version: number | null }[] };
    expect(listed.areas.find((a) => a.id === 'gloucestershire')?.version).toBe(1);
  });

  it('still holds the admin API to the budget for the same boundaries', async () => {
    const admin = '/v1/admin/areas/gloucestershire';
    const created = await call(app, `${admin}/draft`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ from: 'active' }),
    });
    expect(created.status).toBe(201);
    const validation = await call(app, `${admin}/draft/validation`, { headers: auth });
    expect(validation.text).toContain('analysis-budget-exceeded');
  }, 60_000);
});
