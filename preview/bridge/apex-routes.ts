/**
 * `POST /apex/<Class>.<method>` with the method's parameters as a JSON object: what the components'
 * `@salesforce/apex` imports call (preview/client/apex-runtime.js). Answers `{ result }`, or, like an Apex
 * exception reaching a component, an error status with `{ message, exceptionType }`.
 */
import express, { type Request, type Response } from 'express';
import type { Connection } from '@jsforce/jsforce-node';
import { ApexUserError } from './apex-user-error.js';
import { IntegrationControllerBridge } from './integration-controller.js';

type ApexMethod = (params: Record<string, unknown>) => Promise<unknown>;

/** Every public method of the controller bridge, as `IntegrationController.<method>`. */
function apexMethods(conn: Connection): Map<string, ApexMethod> {
  const bridge = new IntegrationControllerBridge(conn);
  const names = Object.getOwnPropertyNames(IntegrationControllerBridge.prototype).filter(
    (name) => name !== 'constructor'
  );
  return new Map(
    names.map((name) => {
      const method = (bridge as unknown as Record<string, ApexMethod>)[name]!;
      return [`IntegrationController.${name}`, (params) => method.call(bridge, params)];
    })
  );
}

export function apexRoutes(conn: Connection): express.Router {
  const methods = apexMethods(conn);
  const router = express.Router();
  router.use(express.json());
  router.post('/apex/:method', async (req: Request, res: Response) => {
    const method = methods.get(String(req.params.method));
    if (!method) {
      res.status(404).json({
        message: `No Apex method ${req.params.method} in the preview's bridge: it answers ${[...methods.keys()].join(', ')}.`,
        exceptionType: 'System.NoSuchMethodException'
      });
      return;
    }
    const params: unknown = req.body ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      res
        .status(400)
        .json({ message: 'The parameters must be a JSON object.', exceptionType: 'System.JSONException' });
      return;
    }
    try {
      res.json({ result: (await method(params as Record<string, unknown>)) ?? null });
    } catch (error) {
      if (error instanceof ApexUserError) {
        res.status(400).json({ message: error.message, exceptionType: 'System.AuraHandledException' });
        return;
      }
      // An unexpected failure, as Lightning shows an unhandled Apex exception: its message, and the log.
      console.error(`${req.params.method} failed:`, error);
      res.status(500).json({ message: (error as Error).message, exceptionType: (error as Error).name });
    }
  });
  return router;
}
