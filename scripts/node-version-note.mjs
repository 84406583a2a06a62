// Runs at `npm install`: on a machine whose Node is older than 22, say once why that is fine. npm runs on the
// machine's Node (its user agent names it; this script itself may already run on the pinned one), but every
// npm script runs on the Node 22 of the `node@22` devDependency. `.npmrc` keeps npm to errors, so that the
// dependencies' "Unsupported engine" warnings for the machine's Node do not flood the screen.
const npmNode = /\bnode\/(v(\d+)[\d.]*)/.exec(process.env.npm_config_user_agent ?? '');
if (npmNode && Number(npmNode[2]) < 22) {
  process.stdout.write(
    `npm runs on this machine's Node ${npmNode[1]}; the project's scripts (npm start, npm test…) run on Node 22 from the node@22 devDependency.\n`
  );
}
