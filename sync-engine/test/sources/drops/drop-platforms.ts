/**
 * The three platforms a WalkMe scheduled export lands in, each on a real local server: S3 and GCS (its XML
 * API, HMAC keys) on s3rver, Azure Blob on Azurite. A test takes a drop (a prefix of its own) on each and
 * configures the engine for it the way an operator does, through the environment `loadConfig` reads.
 */
import { startAzurite, startS3, AZURITE_ACCOUNT, type LocalAzure, type LocalS3 } from './local-stores.js';

export type PlatformName = 's3' | 'gcs' | 'azure';

/** One prefix of one bucket: where a test's exports are written, and how the engine is pointed at it. */
export interface Drop {
  /** `REPORTS_SOURCE` and the platform's credentials. */
  env: NodeJS.ProcessEnv;
  /** The prefix as locations show it: `s3://walkme-drops/<prefix>/`. */
  base: string;
  /** Writes an export (or a manifest) at `key`, relative to the prefix. */
  put(key: string, body: string | Buffer): Promise<void>;
}

export interface DropPlatform {
  name: PlatformName;
  drop(prefix: string): Drop;
}

export interface DropServers {
  platforms: DropPlatform[];
  s3: LocalS3;
  azure: LocalAzure;
  /** A container SAS URL for `walkme-drops` with `permissions`. */
  sasUrl(permissions: string): Promise<string>;
  stop(): Promise<void>;
}

export const BUCKET = 'walkme-drops';

export async function startDropServers(): Promise<DropServers> {
  const s3 = await startS3([BUCKET, 'walkme-gcs']);
  const azure = await startAzurite().catch(async (error: unknown) => {
    await s3.stop();
    throw error;
  });
  await azure.createContainer(BUCKET);
  const readList = await azure.sasUrl(BUCKET, 'rl');
  const platforms: DropPlatform[] = [
    {
      name: 's3',
      drop: (prefix) => ({
        env: {
          REPORTS_SOURCE: `s3://${BUCKET}/${prefix}/`,
          AWS_ENDPOINT_URL: s3.endpoint,
          AWS_ACCESS_KEY_ID: s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
          AWS_REGION: 'us-east-1'
        },
        base: `s3://${BUCKET}/${prefix}/`,
        put: (key, body) => s3.put(BUCKET, `${prefix}/${key}`, body)
      })
    },
    {
      name: 'gcs',
      drop: (prefix) => ({
        // s3rver stands in for storage.googleapis.com: the same S3 protocol, the HMAC key as its keys.
        env: {
          REPORTS_SOURCE: `gs://walkme-gcs/${prefix}/`,
          GCS_ENDPOINT_URL: s3.endpoint,
          GCS_HMAC_ACCESS_ID: s3.accessKeyId,
          GCS_HMAC_SECRET: s3.secretAccessKey
        },
        base: `gs://walkme-gcs/${prefix}/`,
        put: (key, body) => s3.put('walkme-gcs', `${prefix}/${key}`, body)
      })
    },
    {
      name: 'azure',
      drop: (prefix) => ({
        env: {
          REPORTS_SOURCE: `azure://${AZURITE_ACCOUNT}/${BUCKET}/${prefix}/`,
          AZURE_STORAGE_SAS_URL: readList
        },
        base: `azure://${AZURITE_ACCOUNT}/${BUCKET}/${prefix}/`,
        put: (key, body) => azure.put(BUCKET, `${prefix}/${key}`, body)
      })
    }
  ];
  return {
    platforms,
    s3,
    azure,
    sasUrl: (permissions) => azure.sasUrl(BUCKET, permissions),
    async stop() {
      await s3.stop();
      await azure.stop();
    }
  };
}
