// Durable writes for the embedded store's folder (item files and blob part files): a write that has
// returned survives a power cut. A file is written to a temporary name, flushed (fdatasync) and
// renamed into place (atomic on POSIX: a reader sees all of it or nothing); the folder holding the
// new name is flushed by the caller once its writes are done. Temporary files left by a killed
// write are removed when the store is opened (one process owns a folder at a time).
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Writes `data` to `file` durably, except the folder entry (flush the folder with `syncFolder`). */
export async function writeFileFlushed(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Flushes a folder's entries (names created, renamed or removed in it) to disk. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/**
 * Removes the temporary files of writes that never finished under `root`, `depth` folders deep at
 * most. Only safe while holding the store folder's lock: no write of ours is in flight then.
 */
export async function sweepTemporaryFiles(root: string, depth: number): Promise<number> {
  let removed = 0;
  const sweep = async (dir: string, level: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && level < depth) await sweep(full, level + 1);
      else if (entry.isFile() && entry.name.endsWith('.tmp')) {
        await rm(full, { force: true });
        removed++;
      }
    }
  };
  await sweep(root, 0);
  return removed;
}
