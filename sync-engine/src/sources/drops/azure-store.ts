/**
 * Drops in an Azure Blob Storage container, on the official `@azure/storage-blob`. Credentials, as the
 * platform hands them out: a container SAS URL (`AZURE_STORAGE_SAS_URL`, read + list only: the
 * least-privilege way) or the account's connection string (`AZURE_STORAGE_CONNECTION_STRING`, which holds
 * the account key). Either must name the account and container `REPORTS_SOURCE` names, so a credential
 * meant for another container is refused at start, not at the first run.
 */
import type { Readable } from 'node:stream';
import { BlobServiceClient, ContainerClient, RestError } from '@azure/storage-blob';
import { nodeReadable } from './export-stream.js';
import { unreachable, type ObjectStore, type ServiceFailure, type StoredObject } from './object-store.js';

export interface AzureStoreConfig {
  platform: 'azure';
  account: string;
  container: string;
  /** `AZURE_STORAGE_SAS_URL`: `https://<account>.blob.core.windows.net/<container>?<SAS token>`. */
  sasUrl?: string;
  /** `AZURE_STORAGE_CONNECTION_STRING`. */
  connectionString?: string;
  /** Blobs per list call (default 5,000, the service's maximum). */
  pageSize?: number;
}

/** The container client for `config`, refusing a credential for another account or container. */
function containerClient(config: AzureStoreConfig): ContainerClient {
  const source = `REPORTS_SOURCE=azure://${config.account}/${config.container}/`;
  let client: ContainerClient;
  let variable: string;
  if (config.sasUrl !== undefined) {
    variable = 'AZURE_STORAGE_SAS_URL';
    try {
      client = new ContainerClient(config.sasUrl);
    } catch {
      // The URL holds a secret signature: described, never echoed.
      throw new Error(
        `${variable} is not a container SAS URL (https://<account>.blob.core.windows.net/<container>?<SAS token>).`
      );
    }
  } else {
    variable = 'AZURE_STORAGE_CONNECTION_STRING';
    try {
      client = BlobServiceClient.fromConnectionString(config.connectionString ?? '').getContainerClient(
        config.container
      );
    } catch {
      // It holds the account key: described, never echoed.
      throw new Error(`${variable} is not a storage connection string (AccountName=…;AccountKey=…;…).`);
    }
  }
  if (client.accountName !== config.account || client.containerName !== config.container) {
    throw new Error(
      `${variable} is for account "${client.accountName}", container "${client.containerName}", but ${source} ` +
        'names another: give a credential for the container the exports are in.'
    );
  }
  return client;
}

const azureFailure: ServiceFailure = (error) => {
  if (!(error instanceof RestError)) return undefined;
  const status = error.statusCode;
  return {
    reason: `${error.code ?? 'error'}: ${error.message.split('\n')[0]}${status ? `, HTTP ${status}` : ''}`,
    status
  };
};

class AzureObjectStore implements ObjectStore {
  private readonly client: ContainerClient;

  constructor(private readonly config: AzureStoreConfig) {
    this.client = containerClient(config);
  }

  locationOf(key: string): string {
    return `azure://${this.config.account}/${this.config.container}/${key}`;
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    try {
      const pages = this.client
        .listBlobsFlat({ prefix })
        .byPage({ maxPageSize: this.config.pageSize ?? 5000 });
      for await (const page of pages) {
        for (const blob of page.segment.blobItems) {
          if (blob.name.endsWith('/')) continue;
          objects.push({
            key: blob.name,
            modifiedAt: blob.properties.lastModified,
            size: blob.properties.contentLength ?? 0
          });
        }
      }
    } catch (error) {
      throw unreachable(this.locationOf(prefix), 'cannot list the exports', error, azureFailure);
    }
    return objects;
  }

  async open(key: string): Promise<Readable | undefined> {
    const location = this.locationOf(key);
    try {
      const answer = await this.client.getBlobClient(key).download();
      return nodeReadable(answer.readableStreamBody, location);
    } catch (error) {
      if (error instanceof RestError && error.code === 'BlobNotFound') return undefined;
      throw unreachable(location, 'cannot read it', error, azureFailure);
    }
  }
}

export function azureStore(config: AzureStoreConfig): ObjectStore {
  return new AzureObjectStore(config);
}
