/** `REPORTS_SOURCE` and its older forms, as `loadConfig` reads them: each refusal names the variables. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { ACCEPTED_FORMS, parseReportSource } from '../../src/sources/report-source-url.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('REPORTS_SOURCE', () => {
  test('each accepted form', () => {
    assert.deepEqual(parseReportSource('file:///srv/walkme/exports/'), {
      kind: 'folder',
      dir: '/srv/walkme/exports/'
    });
    assert.deepEqual(parseReportSource('https://exports.example.com/walkme/reports.json'), {
      kind: 'manifest-url',
      url: 'https://exports.example.com/walkme/reports.json'
    });
    assert.deepEqual(parseReportSource('insights://'), { kind: 'insights' });
    assert.deepEqual(parseReportSource('s3://acme-walkme/exports/daily'), {
      kind: 'drop',
      drop: { platform: 's3', bucket: 'acme-walkme', prefix: 'exports/daily/' }
    });
    assert.deepEqual(parseReportSource('gs://acme_walkme'), {
      kind: 'drop',
      drop: { platform: 'gcs', bucket: 'acme_walkme', prefix: '' }
    });
    assert.deepEqual(parseReportSource('azure://acmestorage/walkme-exports/insights/'), {
      kind: 'drop',
      drop: { platform: 'azure', account: 'acmestorage', bucket: 'walkme-exports', prefix: 'insights/' }
    });
    assert.deepEqual(parseReportSource('azure://acmestorage/walkme-exports'), {
      kind: 'drop',
      drop: { platform: 'azure', account: 'acmestorage', bucket: 'walkme-exports', prefix: '' }
    });
  });

  test('anything else is refused, naming REPORTS_SOURCE and the accepted forms', () => {
    const refused = (value: string, why: string) =>
      assert.throws(
        () => parseReportSource(value),
        new RegExp(
          `^Error: REPORTS_SOURCE=${escape(value)} is not valid: ${why}\\. Accepted forms: ${escape(ACCEPTED_FORMS)}\\.$`
        )
      );
    refused('sftp://exports.example.com/walkme/', 'the scheme sftp: is not one the engine reads');
    refused('/srv/walkme/exports', 'it is not a URL');
    refused(
      's3://Acme_Bucket/exports/',
      '"Acme_Bucket" is not a bucket name \\(lowercase letters, digits, dots and hyphens\\)'
    );
    refused(
      'azure://acmestorage',
      'azure://acmestorage/ needs a container after the account \\(azure://account/container/prefix/\\)'
    );
    refused(
      'azure://Acme-Storage/c/',
      '"Acme-Storage" is not a storage account name \\(3 to 24 lowercase letters and digits\\)'
    );
    refused('file://server/share/', 'a file URL names an absolute path on this machine \\(.*\\)');
  });

  test('REPORTS_CSV_DIR is the older name of a folder source; both set, they must agree', () => {
    const dir = resolve('reports-folder');
    assert.deepEqual(loadConfig({ REPORTS_CSV_DIR: 'reports-folder' }).reports, { csvDir: dir });
    assert.deepEqual(loadConfig({ REPORTS_SOURCE: `file://${dir}/` }).reports, {
      csvDir: dir,
      setting: `REPORTS_SOURCE=file://${dir}/`
    });
    assert.deepEqual(loadConfig({ REPORTS_SOURCE: `file://${dir}/`, REPORTS_CSV_DIR: dir }).reports, {
      csvDir: dir,
      setting: `REPORTS_SOURCE=file://${dir}/`
    });
    assert.throws(
      () => loadConfig({ REPORTS_SOURCE: 's3://acme-walkme/exports/', REPORTS_CSV_DIR: dir }),
      new RegExp(
        `^Error: REPORTS_SOURCE=s3://acme-walkme/exports/ and REPORTS_CSV_DIR=${escape(dir)} name different report sources: ` +
          'set REPORTS_SOURCE only'
      )
    );
    assert.ok('insights' in loadConfig({}).reports, 'neither set: the Insights API, as before');
    assert.ok('insights' in loadConfig({ REPORTS_SOURCE: 'insights://', WALKME_CLIENT_ID: 'id' }).reports);
  });

  test('each drop platform takes the credentials its SDK takes, and says which are missing', () => {
    assert.deepEqual(loadConfig({ REPORTS_SOURCE: 's3://acme-walkme/exports/' }).reports, {
      drops: {
        store: { platform: 's3', bucket: 'acme-walkme' },
        prefix: 'exports/',
        rootName: 'exports',
        maxAgeHours: 36
      },
      setting: 'REPORTS_SOURCE=s3://acme-walkme/exports/'
    });
    const compatible = loadConfig({
      REPORTS_SOURCE: 's3://acme-walkme/',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
      AWS_ACCESS_KEY_ID: 'AKIA1',
      AWS_SECRET_ACCESS_KEY: 'secret',
      REPORTS_MAX_AGE_HOURS: '192'
    }).reports;
    assert.deepEqual(compatible, {
      drops: {
        store: {
          platform: 's3',
          bucket: 'acme-walkme',
          endpoint: 'http://127.0.0.1:9000',
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIA1', secretAccessKey: 'secret' }
        },
        prefix: '',
        rootName: 'acme-walkme',
        maxAgeHours: 192
      },
      setting: 'REPORTS_SOURCE=s3://acme-walkme/'
    });
    assert.throws(
      () => loadConfig({ REPORTS_SOURCE: 'gs://acme-walkme/exports/', GCS_HMAC_ACCESS_ID: 'GOOG1' }),
      /^Error: REPORTS_SOURCE=gs:\/\/acme-walkme\/exports\/ reads Cloud Storage through its XML API: set GCS_HMAC_ACCESS_ID and GCS_HMAC_SECRET/
    );
    assert.throws(
      () => loadConfig({ REPORTS_SOURCE: 'azure://acmestorage/walkme/' }),
      /^Error: REPORTS_SOURCE=azure:\/\/acmestorage\/walkme\/ reads Azure Blob Storage: set AZURE_STORAGE_SAS_URL \(a container SAS URL with read and list permissions\) or AZURE_STORAGE_CONNECTION_STRING\.$/
    );
    assert.throws(
      () =>
        loadConfig({
          REPORTS_SOURCE: 'azure://acmestorage/walkme/',
          AZURE_STORAGE_SAS_URL: 'acmestorage/walkme?sp=rl&sig=SECRET'
        }),
      (error: Error) => {
        assert.match(error.message, /^AZURE_STORAGE_SAS_URL is not a URL: it must be https:\/\/<account>/);
        assert.ok(!error.message.includes('SECRET'), 'the signature is not echoed');
        return true;
      }
    );
    assert.throws(
      () => loadConfig({ REPORTS_SOURCE: 's3://acme-walkme/', REPORTS_MAX_AGE_HOURS: 'a day' }),
      /^Error: REPORTS_MAX_AGE_HOURS=a day is not valid: a number of hours above 0\.$/
    );
    assert.throws(
      () => loadConfig({ REPORTS_SOURCE: 's3://acme-walkme/', AWS_ENDPOINT_URL: 'localhost:9000' }),
      /^Error: AWS_ENDPOINT_URL=localhost:9000 is not valid: a URL starting https:\/\/ or http:\/\/\.$/
    );
  });
});
