// sfdx-lwc-jest ships no lightning/modal stub. Tests map it here with
// jest.mock('lightning/modal', () => require(<this file>), { virtual: true }). A .cjs file, so jest does not
// take it for a test suite.
// close() becomes an observable `modalclose` event carrying the result.
const { LightningElement } = require('lwc');

class LightningModal extends LightningElement {
  static open = jest.fn();

  close(result) {
    this.dispatchEvent(new CustomEvent('modalclose', { detail: result }));
  }
}

module.exports = { __esModule: true, default: LightningModal };
