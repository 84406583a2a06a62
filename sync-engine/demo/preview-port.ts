/** Where `npm run preview` serves the Lightning app: PREVIEW_PORT, or 3100. */
export const DEFAULT_PREVIEW_PORT = 3100;

/** PREVIEW_PORT, or 3100; anything but a port number is refused, naming the variable. */
export function previewPort(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.PREVIEW_PORT;
  if (value === undefined || value === '') return DEFAULT_PREVIEW_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535) {
    throw new Error(`PREVIEW_PORT=${value}: not a port number (1 to 65535).`);
  }
  return port;
}
