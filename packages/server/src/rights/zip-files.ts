import { closeSync, createReadStream, fsyncSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

export interface ZipEntry {
  /** Name inside the zip. */
  name: string;
  /** A file to stream in, or text. */
  source: { file: string } | { text: string };
}

const LARGE_FILE = 64 * 2 ** 20;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Writes a zip to `target` (0600), streaming each entry in 1 MiB chunks so a tenant export
 * never sits in memory; the event loop gets a turn between chunks. Written to `<target>.partial`
 * and renamed, so a crash never leaves a zip that looks complete.
 */
export async function writeZip(target: string, entries: ZipEntry[], onEntry?: (done: number, total: number) => void): Promise<number> {
  const partial = `${target}.partial`;
  const fd = openSync(partial, 'w', 0o600);
  let bytes = 0;
  let failure: Error | null = null;
  try {
    const zip = new Zip((err, chunk) => {
      if (err) {
        failure = err;
        return;
      }
      writeSync(fd, chunk);
      bytes += chunk.length;
    });
    for (const [i, entry] of entries.entries()) {
      // Large files (a tenant's events) get the fastest compression: deflate runs on the event loop's core.
      const level = 'file' in entry.source && statSync(entry.source.file).size > LARGE_FILE ? 1 : 6;
      const stream = 'text' in entry.source ? new ZipPassThrough(entry.name) : new ZipDeflate(entry.name, { level });
      zip.add(stream);
      if ('text' in entry.source) {
        stream.push(new TextEncoder().encode(entry.source.text), true);
      } else {
        for await (const chunk of createReadStream(entry.source.file, { highWaterMark: 1 << 20 })) {
          stream.push(chunk as Buffer, false);
          await yieldToLoop();
          if (failure) throw failure;
        }
        stream.push(new Uint8Array(0), true);
      }
      onEntry?.(i + 1, entries.length);
    }
    zip.end();
    if (failure) throw failure;
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, target);
  return bytes;
}
