/**
 * `/_emulator/…`: the control endpoint of one org, for steering it from outside the process (the CLI
 * prints it; docs/org-emulator.md documents it). Not part of Salesforce's API; no auth, loopback only.
 *
 *   GET  /_emulator/state                  calls by kind, quota, faults
 *   POST /_emulator/faults                 {latencyMs, serviceUnavailableShare, serviceUnavailableMethods,
 *                                           lockErrorShare, lockedIds}
 *   POST /_emulator/validation-rules       {object, field, pattern, message, statusCode?}: fails saves whose
 *                                           field matches (statusCode DUPLICATES_DETECTED: a duplicate rule)
 *   POST /_emulator/reset-faults
 *   POST /_emulator/expire-sessions | /revoke-refresh-tokens | /exhaust-quota | /reset-calls
 *   POST /_emulator/quota                  {max?, remaining?}
 */
import express, { type Router } from 'express';
import type { ApiAccounting } from './api-accounting.js';
import type { OrgFaults } from './faults.js';
import { sendJson } from './rest/responses.js';

export function createControlRouter(org: { faults: OrgFaults; accounting: ApiAccounting }): Router {
  const router = express.Router();
  const { faults, accounting } = org;
  const state = () => ({
    calls: { total: accounting.total, byKind: accounting.byKind },
    quota: { max: accounting.max, remaining: accounting.remaining },
    faults: {
      latencyMs: faults.latencyMs,
      serviceUnavailableShare: faults.serviceUnavailableShare,
      serviceUnavailableMethods: faults.serviceUnavailableMethods,
      lockErrorShare: faults.lockErrorShare,
      lockedIds: [...faults.lockedIds],
      validationRules: faults.validationRules.map((r) => ({
        object: r.object,
        field: r.field,
        message: r.message,
        ...(r.statusCode ? { statusCode: r.statusCode } : {})
      }))
    }
  });
  router.get('/state', (_req, res) => sendJson(res, 200, state()));
  router.post('/faults', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.latencyMs === 'number') faults.latencyMs = body.latencyMs;
    if (typeof body.serviceUnavailableShare === 'number')
      faults.serviceUnavailableShare = body.serviceUnavailableShare;
    if (Array.isArray(body.serviceUnavailableMethods))
      faults.serviceUnavailableMethods = body.serviceUnavailableMethods.map(String);
    if (typeof body.lockErrorShare === 'number') faults.lockErrorShare = body.lockErrorShare;
    if (Array.isArray(body.lockedIds)) faults.lockedIds = new Set(body.lockedIds.map(String));
    sendJson(res, 200, state());
  });
  router.post('/validation-rules', (req, res) => {
    const { object, field, pattern, message, statusCode } = (req.body ?? {}) as Record<string, string>;
    if (!object || !field || pattern === undefined || !message) {
      sendJson(res, 400, { error: 'object, field, pattern and message are required' });
      return;
    }
    if (statusCode !== undefined && statusCode !== 'DUPLICATES_DETECTED') {
      sendJson(res, 400, { error: 'statusCode may only be DUPLICATES_DETECTED' });
      return;
    }
    const re = new RegExp(pattern, 'i');
    faults.validationRules.push({
      object,
      field,
      message,
      ...(statusCode ? { statusCode } : {}),
      predicate: (r) => re.test(String(r[field] ?? ''))
    });
    sendJson(res, 200, state());
  });
  // Actions without a body: each runs, then answers with the new state.
  const actions: Record<string, () => void> = {
    '/reset-faults': () => faults.reset(),
    '/expire-sessions': () => faults.expireSessions(),
    '/revoke-refresh-tokens': () => faults.revokeRefreshTokens(),
    '/exhaust-quota': () => faults.exhaustQuota(),
    '/reset-calls': () => accounting.resetCounters()
  };
  for (const [path, action] of Object.entries(actions)) {
    router.post(path, (_req, res) => {
      action();
      sendJson(res, 200, state());
    });
  }
  router.post('/quota', (req, res) => {
    const { max, remaining } = (req.body ?? {}) as { max?: number; remaining?: number };
    accounting.setQuota({ max, remaining });
    sendJson(res, 200, state());
  });
  return router;
}
