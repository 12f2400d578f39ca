import fs from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

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
    for (let n = 0; n < entries; n++) {
      if (data.readUInt32LE(at) !== DIRECTORY_ENTRY) return null;
      const method = data.readUInt16LE(at + 10);
      const size = data.readUInt32LE(at + 20);
      const nameLength = data.readUInt16LE(at + 28);
      const skip = nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
      const local = data.readUInt32LE(at + 42);
      if (data.toString('utf8', at + 46, at + 46 + nameLength) === name) {
        if (data.readUInt32LE(local) !== LOCAL_HEADER) return null;
        const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
        const body = data.subarray(start, start + size);
        if (method === 0) return Buffer.from(body);
        return method === 8 ? inflateRawSync(body) : null;
      }
      at += 46 + skip;
    }
    return null;
  } catch {
    return null;
  }
}
