/** Structured JSON logs (pino). Secrets never reach them: the known secret-bearing keys are redacted. */
import { pino, type Logger } from 'pino';

export const REDACTED_KEYS = [
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'codeVerifier',
  'code_verifier',
  'clientSecret',
  'client_secret',
  'password',
  'authorization',
  'cookie'
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'walkme-sync-engine' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' }
    },
    options.destination
  );
}

/**
 * The logger of an operator's command that opens the store itself: warnings only, on stderr, so that stdout
 * holds just what the command prints (`reports --json > reports.json`).
 */
export function commandLogger(): Logger {
  return createLogger({ level: 'warn', destination: pino.destination({ dest: 2, sync: true }) });
}

export type { Logger };
