/**
 * The platform adapters against real local servers: listing across pages, objects that are not there, and
 * the service's refusals (wrong keys, a missing bucket, a SAS without list permission) named for the operator.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config.js';
import { checkReportSource, sourceFor } from '../../../src/engine/start-engine.js';
import { azureStore } from '../../../src/sources/drops/azure-store.js';
import type { ObjectStore } from '../../../src/sources/drops/object-store.js';
import { s3Store } from '../../../src/sources/drops/s3-store.js';
import { ReportUnreachableError } from '../../../src/sources/report-source.js';
import { BUCKET, startDropServers, type DropServers } from './drop-platforms.js';
import { AZURITE_ACCOUNT } from './local-stores.js';

async function text(store: ObjectStore, key: string): Promise<string | undefined> {
  const stream = await store.open(key);
  if (!stream) return undefined;
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

/** Asserts `promise` fails with a ReportUnreachableError whose status and message are as given. */
async function unreachable(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ReportUnreachableError, String(error));
    assert.equal(error.status, status);
    assert.match(error.message, message);
    return true;
  });
}

describe('the bucket adapters', () => {
  let servers: DropServers;
  before(async () => {
    servers = await startDropServers();
    for (const day of ['01', '02', '03', '04', '05']) {
      await servers.s3.put(BUCKET, `paged/logins/2026-12-${day}.csv`, `Email\n${day}@x.test\n`);
      await servers.azure.put(BUCKET, `paged/logins/2026-12-${day}.csv`, `Email\n${day}@x.test\n`);
    }
    // The S3 console's "folder": an empty object whose key ends in a slash.
    await servers.s3.put(BUCKET, 'paged/logins/', Buffer.alloc(0));
  });
  after(async () => servers?.stop());

  const s3 = (overrides: Partial<Parameters<typeof s3Store>[0]> = {}) =>
    s3Store({
      platform: 's3',
      bucket: BUCKET,
      endpoint: servers.s3.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: servers.s3.accessKeyId, secretAccessKey: servers.s3.secretAccessKey },
      ...overrides
    });

  test('S3: every page is listed, folder placeholders left out; a missing key opens as undefined', async () => {
    const store = s3({ pageSize: 2 });
    const listed = await store.list('paged/');
    assert.deepEqual(
      listed.map((object) => object.key),
      ['01', '02', '03', '04', '05'].map((day) => `paged/logins/2026-12-${day}.csv`)
    );
    assert.deepEqual(
      listed.map((object) => [object.size, object.modifiedAt instanceof Date]),
      Array(5).fill([16, true])
    );
    assert.equal(await text(store, 'paged/logins/2026-12-03.csv'), 'Email\n03@x.test\n');
    assert.equal(await store.open('paged/logins/nope.csv'), undefined);
    assert.equal(store.locationOf('a/b.csv'), `s3://${BUCKET}/a/b.csv`);
  });

  test('S3: unknown keys and a missing bucket are refused with the service reason and status', async () => {
    await unreachable(
      s3({ credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'wrong' } }).list('paged/'),
      403,
      new RegExp(`^s3://${BUCKET}/paged/: cannot list the exports \\(InvalidAccessKeyId: .*, HTTP 403\\)$`)
    );
    await unreachable(
      s3({ bucket: 'no-such-bucket' }).open('paged/x.csv'),
      404,
      /^s3:\/\/no-such-bucket\/paged\/x\.csv: cannot read it \(NoSuchBucket: .*, HTTP 404\)$/
    );
  });

  test('GCS through the XML API: listed across pages; an unknown HMAC key fails the start by name', async () => {
    const gcs = s3Store({
      platform: 'gcs',
      bucket: BUCKET,
      endpoint: servers.s3.endpoint,
      credentials: { accessKeyId: servers.s3.accessKeyId, secretAccessKey: servers.s3.secretAccessKey },
      pageSize: 3
    });
    assert.equal((await gcs.list('paged/')).length, 5);
    assert.equal(gcs.locationOf('a.csv'), `gs://${BUCKET}/a.csv`);
    const config = loadConfig({
      REPORTS_SOURCE: `gs://${BUCKET}/paged/`,
      GCS_ENDPOINT_URL: servers.s3.endpoint,
      GCS_HMAC_ACCESS_ID: 'GOOG1EUNKNOWN',
      GCS_HMAC_SECRET: 'not-the-secret'
    });
    await assert.rejects(
      checkReportSource(config),
      new RegExp(
        `^Error: The report source cannot list reports \\(gs://${BUCKET}/paged/: cannot list the exports \\(InvalidAccessKeyId: .*\\)\\): ` +
          `check REPORTS_SOURCE=gs://${BUCKET}/paged/ and GCS_HMAC_ACCESS_ID and GCS_HMAC_SECRET\\.$`
      )
    );
  });

  test('Azure: every page is listed with a read+list SAS or the connection string', async () => {
    const sas = azureStore({
      platform: 'azure',
      account: AZURITE_ACCOUNT,
      container: BUCKET,
      sasUrl: await servers.sasUrl('rl'),
      pageSize: 2
    });
    assert.equal((await sas.list('paged/')).length, 5);
    assert.equal(await text(sas, 'paged/logins/2026-12-05.csv'), 'Email\n05@x.test\n');
    assert.equal(await sas.open('paged/nope.csv'), undefined);
    const keyed = azureStore({
      platform: 'azure',
      account: AZURITE_ACCOUNT,
      container: BUCKET,
      connectionString: servers.azure.connectionString
    });
    assert.equal((await keyed.list('paged/logins/2026-12-0')).length, 5);
    assert.equal(keyed.locationOf('a.csv'), `azure://${AZURITE_ACCOUNT}/${BUCKET}/a.csv`);
  });

  test('Azure: a SAS that may read but not list, and a missing container, are refused by name', async () => {
    const readOnly = azureStore({
      platform: 'azure',
      account: AZURITE_ACCOUNT,
      container: BUCKET,
      sasUrl: await servers.sasUrl('r')
    });
    await unreachable(
      readOnly.list('paged/'),
      403,
      new RegExp(
        `^azure://${AZURITE_ACCOUNT}/${BUCKET}/paged/: cannot list the exports \\(AuthorizationPermissionMismatch: .*, HTTP 403\\)$`
      )
    );
    const missing = azureStore({
      platform: 'azure',
      account: AZURITE_ACCOUNT,
      container: 'no-such-container',
      connectionString: servers.azure.connectionString
    });
    await unreachable(missing.list(''), 404, /\(ContainerNotFound: .*, HTTP 404\)$/);
  });

  test('Azure: a credential for another container or account is refused before any request', async () => {
    const sasUrl = await servers.sasUrl('rl');
    assert.throws(
      () =>
        sourceFor(
          loadConfig({
            REPORTS_SOURCE: `azure://${AZURITE_ACCOUNT}/other-container/`,
            AZURE_STORAGE_SAS_URL: sasUrl
          })
        ),
      new RegExp(
        `^Error: AZURE_STORAGE_SAS_URL is for account "${AZURITE_ACCOUNT}", container "${BUCKET}", but ` +
          `REPORTS_SOURCE=azure://${AZURITE_ACCOUNT}/other-container/ names another`
      )
    );
    assert.throws(
      () =>
        sourceFor(
          loadConfig({
            REPORTS_SOURCE: `azure://otheraccount/${BUCKET}/`,
            AZURE_STORAGE_CONNECTION_STRING: servers.azure.connectionString
          })
        ),
      /^Error: AZURE_STORAGE_CONNECTION_STRING is for account "devstoreaccount1"/
    );
    assert.throws(
      () =>
        sourceFor(
          loadConfig({
            REPORTS_SOURCE: `azure://${AZURITE_ACCOUNT}/${BUCKET}/`,
            AZURE_STORAGE_CONNECTION_STRING: 'nonsense'
          })
        ),
      /^Error: AZURE_STORAGE_CONNECTION_STRING is not a storage connection string/
    );
  });
});
