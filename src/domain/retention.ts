const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Up to `upToMs` of age, keep one copy per `everyMs` (the newest of each such slot of the clock), or every copy. */
export interface RetentionTier {
  upToMs: number;
  everyMs: number | 'all';
}

/**
 * The backups kept: every write of the last hour, one an hour for two days, one a day for a month. So the copy from
 * before a person's lost morning is still there the next day, and the folder holds at most `MAX_RECENT_BACKUPS` + 48 + 31
 * files however often ValTrac writes.
 */
export const BACKUP_TIERS: readonly RetentionTier[] = [
  { upToMs: HOUR, everyMs: 'all' },
  { upToMs: 48 * HOUR, everyMs: HOUR },
  { upToMs: 31 * DAY, everyMs: DAY },
];
/** The most copies the every-write tier keeps (a watcher writing on every save of a busy hour stays bounded). */
export const MAX_RECENT_BACKUPS = 60;

/**
 * Which of the copies made at `times` (ms since epoch) to keep at `now`. A slot is a fixed stretch of the clock (an hour,
 * a UTC day), so the copy a slot keeps stays the one kept as it ages into the next tier. Copies dated in the future
 * (a clock set back) count as new.
 */
export function backupsToKeep(times: readonly number[], now: number, tiers: readonly RetentionTier[] = BACKUP_TIERS, maxRecent = MAX_RECENT_BACKUPS): Set<number> {
  const keep = new Set<number>();
  const order = times.map((t, i) => ({ t, i })).sort((a, b) => b.t - a.t);
  const slots = new Set<string>();
  let recent = 0;
  for (const { t, i } of order) {
    const age = Math.max(0, now - t);
    const tierIndex = tiers.findIndex((tier) => age <= tier.upToMs);
    if (tierIndex < 0) continue;
    const tier = tiers[tierIndex]!;
    if (tier.everyMs === 'all') {
      if (recent++ < maxRecent) keep.add(i);
      continue;
    }
    const slot = `${tierIndex}:${Math.floor(t / tier.everyMs)}`;
    if (slots.has(slot)) continue;
    slots.add(slot);
    keep.add(i);
  }
  return keep;
}
