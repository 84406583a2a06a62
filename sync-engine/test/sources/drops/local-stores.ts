/**
 * Real storage servers on loopback, started by the tests: s3rver (the S3 protocol, for S3 and for GCS's
 * XML API) and Azurite (Microsoft's Azure Storage emulator, blob service). Each holds its data in a
 * temporary folder or in memory and is gone when stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BlobServiceClient, ContainerSASPermissions } from '@azure/storage-blob';
import S3rver from 's3rver';

export interface LocalS3 {
  endpoint: string;
  /**
   * s3rver's fixed keys. It refuses an unknown access key id, but does not verify SigV4 signatures (its
   * lib/middleware/authentication.js: "Signature version 4 calculation is unimplemented").
   */
  accessKeyId: string;
  secretAccessKey: string;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  stop(): Promise<void>;
}

export async function startS3(buckets: string[]): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name }))
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const keys = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: keys,
    requestChecksumCalculation: 'WHEN_REQUIRED'
  });
  return {
    endpoint,
    ...keys,
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    }
  };
}

/** Azurite's well-known development account (learn.microsoft.com, "Use Azurite emulator"). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface LocalAzure {
  connectionString: string;
  createContainer(name: string): Promise<void>;
  /** A container SAS URL with `permissions` (`rl`: read and list), valid for an hour. */
  sasUrl(container: string, permissions: string): Promise<string>;
  put(container: string, name: string, body: string | Buffer): Promise<void>;
  stop(): Promise<void>;
}

function azuriteMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
}

/** Waits for Azurite's "listens on http://127.0.0.1:<port>" line; fails with its output if it exits. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`Azurite exited (${code}) before listening:\n${output}`)));
  });
}

export async function startAzurite(): Promise<LocalAzure> {
  const location = await mkdtemp(join(tmpdir(), 'azurite-'));
  const child = spawn(
    process.execPath,
    [
      azuriteMain(),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '64',
      // The SDK may be newer than the emulator's supported API version.
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent'
    ],
    // In memory, it writes nothing; its working folder is a temporary one all the same.
    { cwd: location, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const port = await listeningPort(child).catch(async (error: unknown) => {
    await rm(location, { recursive: true, force: true });
    throw error;
  });
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=${blobEndpoint};`;
  const service = BlobServiceClient.fromConnectionString(connectionString);
  return {
    connectionString,
    async createContainer(name) {
      await service.getContainerClient(name).create();
    },
    async sasUrl(container, permissions) {
      return service.getContainerClient(container).generateSasUrl({
        permissions: ContainerSASPermissions.parse(permissions),
        expiresOn: new Date(Date.now() + 3_600_000)
      });
    },
    async put(container, name, body) {
      await service
        .getContainerClient(container)
        .getBlockBlobClient(name)
        .upload(body, Buffer.byteLength(body));
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      await rm(location, { recursive: true, force: true });
    }
  };
}
