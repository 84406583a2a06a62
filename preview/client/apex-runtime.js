// What `@salesforce/apex/<Class>.<method>` and `@salesforce/apex` are in the preview: each Apex method is a
// function POSTing its parameters to the bridge, and also a wire adapter, so the components' `@wire` and
// `refreshApex` work as on the platform.

const BRIDGE_PATH = '/apex/';

// The value a wire emitted -> the adapter that emitted it, so refreshApex(value) can fetch again.
const adapterOfValue = new WeakMap();

/**
 * Calls an Apex method through the bridge. A failure rejects with what Lightning hands a component for an
 * AuraHandledException: { status, statusText, body: { message } }, so reduceErrors reads it unchanged.
 */
async function callApex(method, params) {
  const response = await fetch(BRIDGE_PATH + method, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(params ?? {})
  });
  // The bridge answers JSON; anything else (a proxy's error page) still becomes an error with a message.
  const body = await response.json().catch(() => ({
    message: `The preview's bridge answered ${response.status} ${response.statusText} without JSON.`
  }));
  if (!response.ok) {
    throw { status: response.status, statusText: response.statusText, body };
  }
  return body.result;
}

// "If a parameter value is null, the method is called. If a parameter value is undefined, the method isn't
// called." (LWC Developer Guide, "Wire Apex Methods to Lightning Web Components")
function isComplete(config) {
  return Object.values(config).every((value) => value !== undefined);
}

/** Builds the module of one Apex method: callable imperatively, usable with `@wire`. */
export function apexMethod(method) {
  const invoke = (params) => callApex(method, params);

  class ApexWireAdapter {
    constructor(dataCallback) {
      this.dataCallback = dataCallback;
      this.config = undefined;
      this.isConnected = false;
      this.request = 0;
    }

    connect() {
      this.isConnected = true;
    }

    disconnect() {
      this.isConnected = false;
    }

    update(config) {
      this.config = config || {};
      if (isComplete(this.config)) {
        this.fetch();
      }
    }

    /** Fetches for the current config; only the newest request's answer is emitted. */
    async fetch() {
      const request = ++this.request;
      let value;
      try {
        value = { data: await invoke(this.config), error: undefined };
      } catch (error) {
        value = { data: undefined, error };
      }
      if (request === this.request && this.isConnected) {
        adapterOfValue.set(value, this);
        this.dataCallback(value);
      }
    }
  }

  invoke.adapter = ApexWireAdapter;
  return invoke;
}

/** refreshApex(wiredValue): fetches the wire that emitted the value again; resolves once it has answered. */
export function refreshApex(wiredValue) {
  const adapter = wiredValue && adapterOfValue.get(wiredValue);
  return adapter ? adapter.fetch() : Promise.resolve();
}
