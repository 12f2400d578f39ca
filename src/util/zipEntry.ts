import fs from 'node:fs';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** One member of a zip file as its central directory declares it. */
export interface ZipMember {
  name: string;
  /** 0: stored, 8: deflated. */
  method: number;
  compressedSize: number;
  /** The unpacked size it declares (0xFFFFFFFF defers to a ZIP64 field: a member of 4 GiB or more). */
  size: number;
  localHeader: number;
  /** Where its central directory entry starts, and how long the entry is. */
  directoryEntry: number;
  directoryLength: number;
}

/**
 * The members a zip's central directory declares, read from the bytes without unpacking anything; null when there is
 * no readable directory (not a plain zip, or a damaged one).
 */
export function zipDirectory(data: Buffer): ZipMember[] | null {
  try {
    let end = -1;
    for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
      if (data.readUInt32LE(i) === END_OF_DIRECTORY) {
        end = i;
        break;
      }
    }
    if (end < 0) return null;
    const entries = data.readUInt16LE(end + 10);
    let at = data.readUInt32LE(end + 16);
    if (entries === 0xffff || at === 0xffffffff) return null;
    const members: ZipMember[] = [];
    for (let n = 0; n < entries; n++) {
      if (data.readUInt32LE(at) !== DIRECTORY_ENTRY) return null;
      const nameLength = data.readUInt16LE(at + 28);
      const length = 46 + nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
      members.push({
        name: data.toString('utf8', at + 46, at + 46 + nameLength),
        method: data.readUInt16LE(at + 10),
        compressedSize: data.readUInt32LE(at + 20),
        size: data.readUInt32LE(at + 24),
        localHeader: data.readUInt32LE(at + 42),
        directoryEntry: at,
        directoryLength: length,
      });
      at += length;
    }
    return members;
  } catch {
    return null;
  }
}

/**
 * One small member of a zip file (an .xlsx is one), read without unpacking the rest: ValTrac reads the workbook's
 * properties this way on every command start, where parsing the whole workbook would double the start-up time.
 * Null when the file is not a plain zip or has no such member (the caller then reads the whole workbook).
 */
export function readZipEntry(file: string, name: string): Buffer | null {
  let data: Buffer;
  try {
    // Only a regular file: reading a named pipe would wait forever.
    if (!fs.statSync(file).isFile()) return null;
    data = fs.readFileSync(file);
  } catch {
    return null;
  }
  const member = zipDirectory(data)?.find((m) => m.name === name);
  return member ? zipMemberBytes(data, member) : null;
}

/** A member's unpacked bytes; null when it cannot be read this way (another method, a damaged header). */
export function zipMemberBytes(data: Buffer, member: ZipMember): Buffer | null {
  try {
    const local = member.localHeader;
    if (data.readUInt32LE(local) !== LOCAL_HEADER) return null;
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const body = data.subarray(start, start + member.compressedSize);
    if (member.method === 0) return Buffer.from(body);
    return member.method === 8 ? inflateRawSync(body) : null;
  } catch {
    return null;
  }
}

/**
 * The zip with the members named in `replaced` given new contents, every other member copied byte for byte (its local
 * header, compressed data and data descriptor as they are) in the same order: a change to one part of a package costs
 * compressing that part only. Null when the zip is not one this can rewrite safely (ZIP64, encrypted, members that
 * overlap or a name missing), so the caller writes the whole package instead.
 */
export function replaceZipMembers(data: Buffer, replaced: ReadonlyMap<string, Buffer>): Buffer | null {
  const members = zipDirectory(data);
  if (members === null) return null;
  const byOffset = [...members].sort((a, b) => a.localHeader - b.localHeader);
  const directoryStart = Math.min(...members.map((m) => m.directoryEntry));
  // Each member's bytes run from its local header to the next one (or to the central directory).
  const spanEnd = new Map<ZipMember, number>();
  byOffset.forEach((m, i) => spanEnd.set(m, byOffset[i + 1]?.localHeader ?? directoryStart));
  for (const m of members) {
    const flags = data.readUInt16LE(m.directoryEntry + 8);
    const sizes = [m.compressedSize, m.size, m.localHeader];
    // Bit 0: encrypted; 0xFFFFFFFF: the real value is in a ZIP64 field.
    if ((flags & 1) !== 0 || sizes.includes(0xffffffff) || spanEnd.get(m)! < m.localHeader + 30) return null;
    if (data.readUInt32LE(m.localHeader) !== LOCAL_HEADER) return null;
  }
  if (![...replaced.keys()].every((name) => members.some((m) => m.name === name))) return null;
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  const { time, date } = dosTime(new Date());
  for (const m of members) {
    const content = replaced.get(m.name);
    const entry = Buffer.from(data.subarray(m.directoryEntry, m.directoryEntry + m.directoryLength));
    if (content === undefined) {
      const span = data.subarray(m.localHeader, spanEnd.get(m)!);
      entry.writeUInt32LE(offset, 42);
      parts.push(span);
      directory.push(entry);
      offset += span.length;
      continue;
    }
    // The fastest level: compressing a year of Snapshots rows takes a third of the default level's time for a fifth
    // more bytes, and the next full write compresses the part again as it always does.
    const packed = deflateRawSync(content, { level: 1 });
    const crc = crc32(content);
    const name = Buffer.from(m.name, 'utf8');
    // The new member carries its sizes in the local header (no data descriptor: bit 3 cleared), UTF-8 name (bit 11).
    const flags = (data.readUInt16LE(m.directoryEntry + 8) & ~0x0008) | 0x0800;
    // The local header and the central entry share one run of fields, from "version needed" to the extra length.
    const shared = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at);
      header.writeUInt16LE(flags, at + 2);
      header.writeUInt16LE(8, at + 4);
      header.writeUInt16LE(time, at + 6);
      header.writeUInt16LE(date, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(packed.length, at + 14);
      header.writeUInt32LE(content.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
      header.writeUInt16LE(0, at + 24);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    shared(local, 4);
    const central = Buffer.alloc(46);
    entry.copy(central, 0, 0, 46);
    shared(central, 6);
    central.writeUInt16LE(0, 32);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    directory.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_DIRECTORY, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directoryBytes, end]);
}

/** A time in the MS-DOS form zip headers use (local time, two-second steps). */
function dosTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
    date: (Math.max(at.getFullYear() - 1980, 0) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}
