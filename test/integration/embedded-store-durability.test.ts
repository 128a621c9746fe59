// What the embedded store does for a power cut, a killed write and a second `npm start`: every write
// is flushed to disk (the file, then its folder) before it is acknowledged; temporary files of writes
// that never finished are swept when the store opens; a folder in use by another process stops the
// start with one line.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Every filesystem call the store makes, in order, so the test can check what reaches the disk when.
const calls: string[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const name = (p: unknown) => path.basename(String(p)).replace(/\.[0-9a-f]{12}\.tmp$/, '.TMP');
  return {
    ...real,
    open: async (file: string, flags?: string) => {
      const handle = await real.open(file, flags);
      const label = name(file);
      calls.push(`open ${label}`);
      return new Proxy(handle, {
        get(target, key) {
          const value = Reflect.get(target, key, target);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (['writeFile', 'sync', 'datasync', 'close'].includes(String(key)))
              calls.push(`${String(key)} ${label}`);
            return value.apply(target, args);
          };
        },
      });
    },
    rename: async (from: string, to: string) => {
      calls.push(`rename ${name(from)} -> ${name(to)}`);
      return real.rename(from, to);
    },
    rm: async (file: string, options?: Parameters<typeof real.rm>[1]) => {
      calls.push(`rm ${name(file)}`);
      return real.rm(file, options);
    },
  };
});

const { EmbeddedBoundaryStore, StoreInUseError, encodeName, FileItemTable } = await import(
  '../../functions/adapters/store/embedded-boundary-store.js'
);
const { FolderObjects } = await import('../../functions/adapters/store/blob-parts.js');

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await fs.mkdtemp(path.join(tmpdir(), 'catchments-durable-'));
  roots.push(root);
  return root;
}
afterEach(async () => {
  for (const root of roots.splice(0)) await fs.rm(root, { recursive: true, force: true });
});

describe('durable writes', () => {
  it('flushes the file before renaming it into place, and the folder before acknowledging', async () => {
    const root = await freshRoot();
    const table = new FileItemTable(root);
    await table.put({ pk: 'AREAS', sk: 'x#HEAD', rev: 1, body: { active: 1 } });
    calls.length = 0;
    await table.put({ pk: 'AREAS', sk: 'x#HEAD', rev: 2, body: { active: 2 } }, { rev: 1 });
    const item = `${encodeName('x#HEAD')}.json`;
    const folder = encodeName('AREAS');
    expect(calls).toEqual([
      `open ${item}.TMP`,
      `writeFile ${item}.TMP`,
      `datasync ${item}.TMP`,
      `close ${item}.TMP`,
      `rename ${item}.TMP -> ${item}`,
      `open ${folder}`,
      `sync ${folder}`,
      `close ${folder}`,
    ]);
  });

  it('flushes a new partition folder into the root, and a delete into its folder', async () => {
    const root = await freshRoot();
    const table = new FileItemTable(root);
    calls.length = 0;
    await table.put({ pk: 'AREA#x', sk: 'DRAFT', rev: 1, body: {} });
    expect(calls).toContain(`sync ${path.basename(root)}`);
    expect(calls.indexOf(`sync ${path.basename(root)}`)).toBeLessThan(
      calls.indexOf('rename DRAFT.json.TMP -> DRAFT.json'),
    );
    await table.put({ pk: 'AREA#x', sk: 'OTHER', body: {} });
    calls.length = 0;
    await table.delete('AREA#x', 'DRAFT');
    expect(calls.slice(0, 2)).toEqual(['rm DRAFT.json', `open ${encodeName('AREA#x')}`]);
    expect(calls).toContain(`sync ${encodeName('AREA#x')}`);
  });

  it('flushes every file of a bulk write, and each folder once before returning', async () => {
    const root = await freshRoot();
    const table = new FileItemTable(root);
    calls.length = 0;
    const chunks = Array.from({ length: 20 }, (_, i) => ({
      pk: 'BLOB#a#b',
      sk: `PART#x#${i}`,
      data: new Uint8Array([i]),
    }));
    await table.putMany(chunks);
    expect(calls.filter((c) => c.startsWith('datasync'))).toHaveLength(20);
    const folderSyncs = calls.filter((c) => c === `sync ${encodeName('BLOB#a#b')}`);
    expect(folderSyncs).toHaveLength(1);
    expect(calls.lastIndexOf(`sync ${encodeName('BLOB#a#b')}`)).toBeGreaterThan(
      calls.map((c) => c.startsWith('rename')).lastIndexOf(true),
    );
  });

  it('flushes a blob part file like an item, and each folder it had to create into its parent', async () => {
    const root = await freshRoot();
    const objects = new FolderObjects(path.join(root, 'objects'));
    await objects.put('blobs/a/b1/area', new Uint8Array([1]));
    calls.length = 0;
    await objects.put('blobs/a/b2/sites', new Uint8Array([2]));
    expect(calls).toEqual([
      'open sites.TMP',
      'writeFile sites.TMP',
      'datasync sites.TMP',
      'close sites.TMP',
      'rename sites.TMP -> sites',
      'open b2',
      'sync b2',
      'close b2',
      // b2 is new: its name is an entry of a/, which existed already.
      'open a',
      'sync a',
      'close a',
    ]);
    expect([...((await objects.get('blobs/a/b2/sites')) ?? [])]).toEqual([2]);
  });
});

describe('temporary files of killed writes', () => {
  it('are removed when the store opens; finished items stay', async () => {
    const root = await freshRoot();
    const first = await EmbeddedBoundaryStore.open(root);
    await first.items.put({ pk: 'AREAS', sk: 'a#HEAD', rev: 1, body: { active: null } });
    await first.close();
    // What a kill -9 between writing and renaming leaves behind, in a partition and at the top.
    const partition = path.join(root, encodeName('AREAS'));
    await fs.writeFile(path.join(partition, `${encodeName('a#HEAD')}.json.0123456789ab.tmp`), '{"pk":"AR');
    await fs.writeFile(path.join(root, 'stray.json.ba9876543210.tmp'), '');
    const again = await EmbeddedBoundaryStore.open(root);
    const left = [...(await fs.readdir(partition)), ...(await fs.readdir(root))];
    expect(left.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await again.items.get('AREAS', 'a#HEAD')).toMatchObject({ rev: 1 });
    await again.close();
  });

  it('are removed from the blob part folders too; finished parts stay', async () => {
    const root = await freshRoot();
    const first = await EmbeddedBoundaryStore.open(root);
    await first.close();
    const objects = new FolderObjects(path.join(root, 'objects'));
    await objects.put('blobs/a/b1/area', new Uint8Array([1]));
    const blob = path.join(root, 'objects', 'blobs', 'a', 'b1');
    await fs.writeFile(path.join(blob, 'sites.0123456789ab.tmp'), 'half');
    const again = await EmbeddedBoundaryStore.open(root);
    expect(await fs.readdir(blob)).toEqual(['area']);
    await again.close();
  });
});

describe('a store folder in use', () => {
  it('is refused with StoreInUseError while another live process holds it', async () => {
    const root = await freshRoot();
    // A live process that is not this one: the parent of the test runner's worker.
    await fs.writeFile(path.join(root, '.lock'), String(process.ppid));
    await expect(EmbeddedBoundaryStore.open(root)).rejects.toBeInstanceOf(StoreInUseError);
    // A lock left by a process that is gone is taken over.
    await fs.writeFile(path.join(root, '.lock'), '2147483646');
    const store = await EmbeddedBoundaryStore.open(root);
    await store.close();
  });

  it('ends `npm start` with one line and exit code 1, no stack trace', async () => {
    const root = await freshRoot();
    await fs.writeFile(path.join(root, '.lock'), String(process.pid));
    const server = fileURLToPath(new URL('../../bin/server.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', server], {
      env: { ...process.env, CATCHMENTS_STORE_DIR: root, PORT: '0', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    // Node may warn about the AWS SDK's Node version on stderr; our message is the one line about the store.
    const ours = stderr
      .split('\n')
      .filter(
        (l) => l.trim() !== '' && !/NodeVersion|node >=|a\.co|upgrade|trace-warnings|AWS SDK|^\s*$/i.test(l),
      );
    expect(ours).toEqual([
      `The local store ${root} is in use by process ${process.pid}. Stop that process, or set CATCHMENTS_STORE_DIR to another folder.`,
    ]);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
