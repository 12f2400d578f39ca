/**
 * A log line with its time in front (ISO 8601, UTC), for the long-running processes. Under pm2 the time is left to pm2,
 * which stamps every line of its log files itself (`time: true` in ecosystem.config.js), stderr included: one
 * timestamp per line either way.
 */
export function logLine(line: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.pm_id !== undefined ? line : `${new Date().toISOString()} ${line}`;
}
