/**
 * Compiles the package's Lightning web components for the browser: the `c` namespace from force-app, the
 * `lightning` namespace from the open-source lightning-base-components, and the platform modules the page
 * imports that neither provides (`@salesforce/apex…`, `lightning/platformShowToastEvent`), bridged here.
 */
import { createHash } from 'node:crypto';
import { copyFile, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import lwc from '@lwc/rollup-plugin';
import { rollup, type Plugin } from 'rollup';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where `npm run preview` and the browser tests build to (gitignored). */
export const DEFAULT_DIST_DIR = join(ROOT, 'preview', 'dist');
const STAMP_FILE = 'build-stamp.txt';
// The compilers and components whose version changes the output.
const TOOL_PACKAGES = ['lwc', '@lwc/rollup-plugin', 'lightning-base-components', 'rollup'];
const CLIENT_DIR = join(ROOT, 'preview', 'client');
const LWC_DIR = join(ROOT, 'force-app', 'main', 'default', 'lwc');
const APEX_RUNTIME = join(CLIENT_DIR, 'apex-runtime.js');
const APEX_PREFIX = '@salesforce/apex/';
const VIRTUAL_APEX = '\0apex:';
const BASE_COMPONENTS_DIR = join('node_modules', 'lightning-base-components');

/** `@salesforce/apex/<Class>.<method>` → a module whose default export calls the bridge (apex-runtime.js). */
function apexBridge(): Plugin {
  return {
    name: 'preview-apex-bridge',
    resolveId(source) {
      if (source === '@salesforce/apex') return APEX_RUNTIME;
      if (source.startsWith(APEX_PREFIX)) return VIRTUAL_APEX + source.slice(APEX_PREFIX.length);
      return null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL_APEX)) return null;
      const method = id.slice(VIRTUAL_APEX.length);
      if (!/^\w+\.\w+$/.test(method)) this.error(`${APEX_PREFIX}${method}: expected <Class>.<method>.`);
      return `import { apexMethod } from ${JSON.stringify(APEX_RUNTIME)};\nexport default apexMethod(${JSON.stringify(method)});\n`;
    }
  };
}

// Build-time constants the LWC engine and the base components test: their production code, for the browser
// (`import.meta.env.SSR` is the base components' server-side rendering switch).
const BUILD_CONSTANTS: Record<string, string> = {
  'process.env.NODE_ENV': '"production"',
  'import.meta.env.SSR': 'false'
};

function buildConstants(): Plugin {
  return {
    name: 'preview-build-constants',
    transform(code) {
      const names = Object.keys(BUILD_CONSTANTS).filter((name) => code.includes(name));
      if (names.length === 0) return null;
      return {
        code: names.reduce((result, name) => result.replaceAll(name, BUILD_CONSTANTS[name]!), code),
        map: null
      };
    }
  };
}

/** Every bundle of force-app's lwc folder as `c/<bundle>`, the namespace Salesforce gives them. */
async function packageModules() {
  const bundles = await readdir(LWC_DIR, { withFileTypes: true });
  return bundles
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('__'))
    .map((entry) => ({ name: `c/${entry.name}`, path: join(LWC_DIR, entry.name, `${entry.name}.js`) }));
}

/**
 * Writes app.js, its chunks and index.html into outDir, replacing what was there. The build goes to a
 * sibling folder first and is moved into place whole, so a server reading outDir never sees half of one.
 */
export async function buildPreview(outDir: string, stamp = ''): Promise<void> {
  const bundle = await rollup({
    input: join(CLIENT_DIR, 'app.js'),
    plugins: [
      apexBridge(),
      buildConstants(),
      lwc({
        rootDir: ROOT,
        // lightning-datatable's sorting dialog uses lwc:is, which Salesforce enables for its own components.
        enableDynamicComponents: true,
        // The base components' combobox attaches ElementInternals, which synthetic shadow allows only to
        // components compiled for it, as Salesforce compiles them.
        enableSyntheticElementInternals: true,
        modules: [
          ...(await packageModules()),
          { name: 'lightning/platformShowToastEvent', path: join(CLIENT_DIR, 'platformShowToastEvent.js') },
          { npm: 'lightning-base-components' }
        ]
      })
    ],
    onwarn(warning, warn) {
      // The base components' templates draw compiler notices (duplicate slots, stray keys) that are theirs to
      // fix; a notice about the package's own code still shows.
      if (!warning.id?.includes(BASE_COMPONENTS_DIR)) warn(warning);
    }
  });
  const staging = `${outDir}.building-${process.pid}`;
  try {
    await rm(staging, { recursive: true, force: true });
    await bundle.write({
      dir: staging,
      format: 'es',
      entryFileNames: 'app.js',
      chunkFileNames: 'chunks/[name]-[hash].js'
    });
    await copyFile(join(CLIENT_DIR, 'index.html'), join(staging, 'index.html'));
    await writeFile(join(staging, STAMP_FILE), stamp);
    await rm(outDir, { recursive: true, force: true });
    await rename(staging, outDir);
  } finally {
    await bundle.close();
    await rm(staging, { recursive: true, force: true });
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !join(entry.parentPath, entry.name).includes('__tests__'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A digest of everything the build reads: the components, the client code, this file and the tools' versions. */
async function inputDigest(): Promise<string> {
  const hash = createHash('sha256');
  const files = [
    ...(await filesUnder(LWC_DIR)),
    ...(await filesUnder(CLIENT_DIR)),
    fileURLToPath(import.meta.url)
  ];
  for (const file of files) hash.update(relative(ROOT, file)).update(await readFile(file));
  for (const name of TOOL_PACKAGES) {
    hash.update(name).update(await readFile(join(ROOT, 'node_modules', name, 'package.json')));
  }
  return hash.digest('hex');
}

/**
 * Builds into outDir unless it already holds the build of the current sources (the build takes about half a
 * minute, the check milliseconds). Answers whether it built.
 */
export async function ensurePreviewBuilt(outDir = DEFAULT_DIST_DIR): Promise<boolean> {
  const digest = await inputDigest();
  const built = await readFile(join(outDir, STAMP_FILE), 'utf8').catch(() => undefined);
  if (built === digest) return false;
  await buildPreview(outDir, digest);
  return true;
}
