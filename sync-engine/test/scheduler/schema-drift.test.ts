/**
 * Schema drift (issue 11, item 5): a mapped field the admin deletes, or makes read-only, is seen by the very
 * next run, which fails before reading any row, naming the field and saying to remap it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endedRun, startWithDailyIntegration, type SchedulerHarness } from './scheduler-harness.js';

describe('a mapped field changed in the org between two runs', () => {
  let h: SchedulerHarness;
  let now = new Date('2025-03-10T10:00:00Z');
  before(async () => {
    ({ h } = await startWithDailyIntegration(() => now));
  });
  after(async () => {
    await h?.stop();
  });

  const runOn = async (day: string) => {
    now = new Date(`${day}T09:00:00Z`);
    const [runId] = await h.engine.scheduler.tick();
    return await endedRun(h, runId!);
  };

  test('is seen by the next run, which fails before reading a row, naming the field', async () => {
    const first = await runOn('2025-03-11');
    assert.notEqual(first.status, 'Failed', first.error ?? '');
    h.org.data.schema.setFieldUpdateable('Lead', 'WalkMe_Last_Login__c', false);
    const readOnly = await runOn('2025-03-12');
    assert.equal(readOnly.status, 'Failed');
    assert.match(
      readOnly.error!,
      /field Lead\.WalkMe_Last_Login__c is not updateable.*Remap it in the integration/
    );
    assert.equal(readOnly.counts!.read, 0);
    h.org.data.schema.setFieldUpdateable('Lead', 'WalkMe_Last_Login__c', true);
    h.org.data.schema.deleteField('Lead', 'WalkMe_Logins_Last_30_Days__c');
    const deleted = await runOn('2025-03-13');
    assert.equal(deleted.status, 'Failed');
    assert.match(
      deleted.error!,
      /field Lead\.WalkMe_Logins_Last_30_Days__c does not exist.*Remap it in the integration/
    );
    assert.equal(deleted.counts!.read, 0);
  });
});
