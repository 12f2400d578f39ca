import fs from 'node:fs';
import { inflateRawSync } from 'node:zlib';

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
    const members: ZipMember[] = [];
    for (let n = 0; n < entries; n++) {
      if (data.readUInt32LE(at) !== DIRECTORY_ENTRY) return null;
      const nameLength = data.readUInt16LE(at + 28);
      members.push({
        name: data.toString('utf8', at + 46, at + 46 + nameLength),
        method: data.readUInt16LE(at + 10),
        compressedSize: data.readUInt32LE(at + 20),
        size: data.readUInt32LE(at + 24),
        localHeader: data.readUInt32LE(at + 42),
      });
      at += 46 + nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
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
  if (!member) return null;
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
