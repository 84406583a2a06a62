import { jestConfig } from '@salesforce/sfdx-lwc-jest/config.js';

// LWC tests only: the engine's tests run on node's own test runner.
export default {
  ...jestConfig,
  roots: ['<rootDir>/force-app'],
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver']
};
