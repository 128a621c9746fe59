// Structured JSON logs, one line per event, with the request id: what CloudWatch Logs Insights
// and a developer's terminal both read well. Levels are filtered once, at creation.
import type { Logger, LogLevel } from '../application/ports/logger.js';

export type { Logger, LogLevel };

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  base: Record<string, unknown> = {},
): Logger {
  const threshold = RANK[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < threshold) return;
    write(JSON.stringify({ level: lvl, time: new Date().toISOString(), message, ...base, ...fields }));
  };
  return {
    enabled: (lvl) => RANK[lvl] >= threshold,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLogger: Logger = createLogger('silent', () => {});
