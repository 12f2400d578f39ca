import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { appendLineDurably, readCompleteLines } from '../util/appendLog.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { decodeTagged, encodeTagged } from '../util/taggedJson.js';
import { readZipEntry } from '../util/zipEntry.js';
import type { Change } from './changes.js';
import type * as Xlsx from './xlsx.js';

/**
 * Which of ValTrac's writes a workbook file descends from. Every write stamps the file with a version mark in its
 * keywords property (LibreOffice and Excel keep the properties of the file they opened when they save it), and records
 * the changes it wrote under that version beside the workbook. A file whose mark is older than ValTrac's newest write
 * is an older copy saved over ValTrac's work: the record says exactly which changes it lacks.
 */
export interface VersionMark {
  /** Names the workbook's line of versions, so a copy of another workbook is never taken for an older copy of this one. */
  id: string;
  version: number;
}

/** Letters, digits and hyphens only: LibreOffice splits keywords at punctuation such as ":" and rejoins them with spaces. */
const MARK = /valtrac-version-([0-9a-f]{12})-(\d+)/;

export function readMark(workbook: Xlsx.Workbook): VersionMark | null {
  const match = MARK.exec(workbook.keywords ?? '');
  return match ? { id: match[1]!, version: Number(match[2]) } : null;
}

/**
 * The mark of the workbook file without loading it (its properties part only); undefined when that part cannot be
 * read this way (the caller loads the workbook instead).
 */
export function readFileMark(file: string): VersionMark | null | undefined {
  const core = readZipEntry(file, 'docProps/core.xml');
  if (!core) return undefined;
  const keywords = /<cp:keywords>([^<]*)<\/cp:keywords>/.exec(core.toString('utf8'))?.[1] ?? '';
  const match = MARK.exec(keywords);
  return match ? { id: match[1]!, version: Number(match[2]) } : null;
}

/** Sets the mark, keeping whatever else a person put in the keywords. */
export function setMark(workbook: Xlsx.Workbook, mark: VersionMark): void {
  workbook.keywords = markedKeywords(workbook.keywords ?? '', mark);
}

/** The keywords with the mark set (the token is letters, digits and hyphens: the same in XML-escaped text). */
export function markedKeywords(keywords: string, mark: VersionMark): string {
  const token = `valtrac-version-${mark.id}-${mark.version}`;
  return MARK.test(keywords) ? keywords.replace(MARK, token) : [keywords, token].filter((k) => k !== '').join(' ');
}

export interface WrittenVersion {
  version: number;
  id: string;
  at: Date;
  /** What this write changed (feedback left out: it is recomputed on every write). */
  changes: Change[];
}

/** The file a write left, as its record keeps it (see WriteHistory.lastFile). */
export interface WrittenFile {
  mark: VersionMark;
  sha256: string;
  notices: number;
}

/** Where the file stands against ValTrac's record of its writes. */
export type Lag =
  | { kind: 'current' }
  /** An older copy: `missing` are the writes after the one it descends from, in order. */
  | { kind: 'older'; copy: VersionMark; copyWrittenAt: Date | null; missing: WrittenVersion[] }
  /** ValTrac cannot tell what the file lacks; `why` says why, for the person. */
  | { kind: 'unplaced'; why: string };

/** How long the record of writes reaches back: as far as the daily backups do. */
export const WRITES_KEPT_MS = 31 * 24 * 60 * 60 * 1000;

interface Line {
  version: number;
  id: string;
  at: string;
  text: string;
}

/** The head of a line, read without parsing its changes: `{"version":N,"id":"...","at":"..."`. */
const HEAD = /^\{"version":(\d+),"id":"([0-9a-f]{12})","at":"([^"]+)"/;

/** The durable record of what ValTrac wrote, one version per line (append-only; pruned by age). */
export class WriteHistory {
  constructor(readonly path: string) {}

  private lines(): Line[] {
    return readCompleteLines(this.path).flatMap((text) => {
      const head = HEAD.exec(text);
      return head ? [{ version: Number(head[1]), id: head[2]!, at: head[3]!, text }] : [];
    });
  }

  private static parse(line: Line): WrittenVersion {
    const value = decodeTagged(line.text) as { changes: Change[] };
    return { version: line.version, id: line.id, at: new Date(line.at), changes: value.changes };
  }

  lag(mark: VersionMark | null): Lag {
    const lines = this.lines();
    const last = lines.at(-1);
    if (!last) return { kind: 'current' };
    if (!mark) return { kind: 'unplaced', why: 'it carries no ValTrac version mark (a program that drops the file properties saved it, or ValTrac never wrote it)' };
    if (mark.id !== last.id) return { kind: 'unplaced', why: 'its version mark is that of another ValTrac workbook' };
    if (mark.version >= last.version) return { kind: 'current' };
    const after = lines.filter((l) => l.id === mark.id && l.version > mark.version);
    const complete = after.every((l, i) => l.version === mark.version + 1 + i) && after.at(-1)?.version === last.version;
    if (!complete) {
      return {
        kind: 'unplaced',
        why: `it is ValTrac's version ${mark.version}, older than its record of what it wrote (which begins at version ${lines[0]!.version}, ${lines[0]!.at.slice(0, 16).replace('T', ' ')} UTC)`,
      };
    }
    const own = lines.find((l) => l.id === mark.id && l.version === mark.version);
    return { kind: 'older', copy: mark, copyWrittenAt: own ? new Date(own.at) : null, missing: after.map(WriteHistory.parse) };
  }

  /** The mark of the next write: one past both the record's newest and the file's own (a record lost or cut short). */
  next(mark: VersionMark | null): VersionMark {
    const last = this.lines().at(-1);
    const id = last?.id ?? mark?.id ?? randomBytes(6).toString('hex');
    const fileVersion = mark && mark.id === id ? mark.version : 0;
    return { id, version: Math.max(last?.version ?? 0, fileVersion) + 1 };
  }

  /**
   * What the newest recorded write left in the file: its bytes' SHA-256 and how many notices its Problems sheet lists;
   * null when the record has none (a write by an older ValTrac, or no record).
   */
  lastFile(): WrittenFile | null {
    const last = this.lines().at(-1);
    const file = last && /,"file":\{"sha256":"([0-9a-f]{64})","notices":(\d+)\}\}$/.exec(last.text);
    return file ? { mark: { id: last.id, version: last.version }, sha256: file[1]!, notices: Number(file[2]) } : null;
  }

  async record(mark: VersionMark, at: Date, changes: Change[], file?: Omit<WrittenFile, 'mark'>): Promise<void> {
    const kept = changes.filter((c) => c.kind !== 'feedback');
    const written = file ? `,"file":{"sha256":"${file.sha256}","notices":${file.notices}}` : '';
    appendLineDurably(this.path, `{"version":${mark.version},"id":"${mark.id}","at":"${at.toISOString()}","changes":${encodeTagged(kept)}${written}}`);
    const lines = this.lines();
    const cutoff = at.getTime() - WRITES_KEPT_MS;
    if (lines.length > 1 && Date.parse(lines[0]!.at) < cutoff) {
      const from = lines.findIndex((l) => Date.parse(l.at) >= cutoff);
      const recent = lines.slice(from < 0 ? lines.length - 1 : from);
      await writeFileAtomic(this.path, recent.map((l) => `${l.text}\n`).join(''));
    }
  }

  /** A new workbook starts a new line of versions. */
  reset(): void {
    fs.rmSync(this.path, { force: true });
  }
}
