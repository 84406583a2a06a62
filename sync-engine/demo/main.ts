/**
 * `npm run demo -- <command> …` (and `npm start`): the demo's commands, on in-process emulators with the
 * sample data. The operator's commands on a configured engine are `npm run engine -- …` (src/cli/).
 */
import { runMain } from '../src/cli/cli-command.js';
import { previewCommand } from './preview-command.js';
import { reportsCommand } from './reports-command.js';
import { runCommand } from './run-command.js';
import { startDemoCommand } from './start-demo-command.js';

runMain('npm run demo --', [startDemoCommand, previewCommand, runCommand, reportsCommand]);
