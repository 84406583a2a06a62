// The sample Apex results of the WalkMeApexContracts static resource, for the jest tests' mocked Apex: the
// preview's bridge answers with the same samples and the Apex tests hold the real results to their shape, so
// a component tested against them is tested against what Apex returns.
const CONTRACTS = require('../../staticresources/WalkMeApexContracts.json');

/** A fresh copy of the sample result of an Apex method, e.g. apexResult('IntegrationController.getRuns'). */
function apexResult(method) {
  if (!Object.prototype.hasOwnProperty.call(CONTRACTS, method)) {
    throw new Error(`WalkMeApexContracts.json has no entry for ${method}: add its params and sample result.`);
  }
  return JSON.parse(JSON.stringify(CONTRACTS[method].result));
}

module.exports = { CONTRACTS, apexResult };
