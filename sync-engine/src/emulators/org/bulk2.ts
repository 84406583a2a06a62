/**
 * Bulk API 2.0 of one emulated org: ingest jobs (`update`, `insert`) and query jobs with CSV results.
 * Mounted by the REST core at `/services/data/v:version/jobs`, behind its auth middleware.
 */
import express from 'express';
import type { OrgRouterFactory } from './org-context.js';

export const createBulk2Router: OrgRouterFactory = () => express.Router({ mergeParams: true });
