/** The object store of a drop's platform, from its settings (config.ts reads them from the environment). */
import { azureStore, type AzureStoreConfig } from './azure-store.js';
import type { ObjectStore } from './object-store.js';
import { s3Store, type S3StoreConfig } from './s3-store.js';

export type DropStoreConfig = S3StoreConfig | AzureStoreConfig;

export function openStore(config: DropStoreConfig): ObjectStore {
  return config.platform === 'azure' ? azureStore(config) : s3Store(config);
}
