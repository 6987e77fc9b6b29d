import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EncodedPart } from '../../../core/codecs/codec.js';
import { ContractError } from '../../../core/contract/errors.js';
import { writeOutput } from '../../../main/io/write-output.js';

async function* parts(list: EncodedPart[], failAfter?: number): AsyncGenerator<EncodedPart> {
  let i = 0;
  for (const part of list) {
    if (i++ === failAfter) throw new Error('encoder failed');
    yield part;
  }
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'wb-write-'));

/** Matches a ContractError of `code` whose message passes `message`. */
function refused(code: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ContractError, `not a ContractError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  };
}

test('a single-file export is written whole, and the result names the file', async () => {
  const dir = tempDir();
  const dest = join(dir, 'out.jsonl');
  const result = await writeOutput(dest, parts([{ text: 'dòng 1\n' }, { text: 'dòng 2\n' }]), { multiFile: false });
  assert.equal(readFileSync(dest, 'utf8'), 'dòng 1\ndòng 2\n');
  assert.deepEqual(result, { files: 1, bytes: Buffer.byteLength('dòng 1\ndòng 2\n'), path: dest });
  assert.deepEqual(readdirSync(dir), ['out.jsonl']);
});

test('an existing file is refused, naming it and its size, unless the call says overwrite', async () => {
  const dir = tempDir();
  const dest = join(dir, 'out.jsonl');
  writeFileSync(dest, 'old');
  const error = await writeOutput(dest, parts([{ text: 'new\n' }]), { multiFile: false }).catch((e: unknown) => e);
  refused('conflict', /out\.jsonl already exists \(a file of 3 bytes\)/)(error);
  assert.deepEqual((error as ContractError).detail, { path: dest, kind: 'file', bytes: 3 });
  assert.equal(readFileSync(dest, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir), ['out.jsonl'], 'no temporary file left behind');

  const result = await writeOutput(dest, parts([{ text: 'new\n' }]), { multiFile: false, overwrite: true });
  assert.equal(result.path, dest);
  assert.equal(readFileSync(dest, 'utf8'), 'new\n');
  assert.deepEqual(readdirSync(dir), ['out.jsonl']);
});

test('a failed export leaves no half file and keeps the old one, even with overwrite', async () => {
  const dir = tempDir();
  const dest = join(dir, 'out.jsonl');
  await assert.rejects(
    writeOutput(dest, parts([{ text: 'a\n' }, { text: 'b\n' }], 1), { multiFile: false }),
    /encoder failed/,
  );
  assert.deepEqual(readdirSync(dir), []);
  writeFileSync(dest, 'old');
  await assert.rejects(
    writeOutput(dest, parts([{ text: 'a\n' }, { text: 'b\n' }], 1), { multiFile: false, overwrite: true }),
    /encoder failed/,
  );
  assert.deepEqual(readdirSync(dir), ['out.jsonl']);
  assert.equal(readFileSync(dest, 'utf8'), 'old');
});

test('a one-file output aimed at a folder becomes the named file inside it', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'keep.txt'), 'mine');
  const result = await writeOutput(dir, parts([{ text: 'x\n' }]), { multiFile: false, fileName: 'proj-done-1.jsonl' });
  assert.equal(result.path, join(dir, 'proj-done-1.jsonl'));
  assert.equal(readFileSync(join(dir, 'proj-done-1.jsonl'), 'utf8'), 'x\n');
  assert.equal(readFileSync(join(dir, 'keep.txt'), 'utf8'), 'mine');
  // A path typed with a trailing separator names a folder even before it exists.
  const fresh = join(dir, 'new', 'folder');
  const inFresh = await writeOutput(fresh, parts([{ text: 'y\n' }]), {
    multiFile: false,
    folder: true,
    fileName: 'a.jsonl',
  });
  assert.equal(inFresh.path, join(fresh, 'a.jsonl'));
  assert.equal(readFileSync(inFresh.path, 'utf8'), 'y\n');
  // Without a name to give the file, a folder is refused rather than written over.
  await assert.rejects(
    writeOutput(dir, parts([{ text: 'z\n' }]), { multiFile: false, overwrite: true }),
    refused('invalid', /is a folder; this export writes one file/),
  );
  assert.deepEqual(readdirSync(dir).sort(), ['keep.txt', 'new', 'proj-done-1.jsonl']);
});

test('a multi-file export fills a new folder and continues a file named again', async () => {
  const dir = tempDir();
  const dest = join(dir, 'brat');
  const list = [
    { path: 'a.txt', text: 'Hà ' },
    { path: 'a.txt', text: 'Nội' },
    { path: 'a.ann', text: 'T1\tLOC 0 6\tHà Nội\n' },
    { path: 'sub/b.txt', text: 'b' },
    { path: 'a.ann', text: '#1\tnote\n' },
  ];
  const result = await writeOutput(dest, parts(list), { multiFile: true });
  assert.equal(result.files, 3);
  assert.equal(result.path, dest);
  assert.equal(readFileSync(join(dest, 'a.txt'), 'utf8'), 'Hà Nội');
  assert.equal(readFileSync(join(dest, 'a.ann'), 'utf8'), 'T1\tLOC 0 6\tHà Nội\n#1\tnote\n');
  assert.equal(readFileSync(join(dest, 'sub', 'b.txt'), 'utf8'), 'b');
  assert.deepEqual(readdirSync(dir), ['brat']);
});

test('a non-empty folder is refused and left intact; with overwrite the files go in and nothing else is removed', async () => {
  const dir = tempDir();
  const dest = join(dir, 'brat');
  mkdirSync(join(dest, 'notes'), { recursive: true });
  writeFileSync(join(dest, 'stale.txt'), 'x');
  writeFileSync(join(dest, 'a.txt'), 'old a');
  writeFileSync(join(dest, 'notes', 'keep.md'), 'mine');
  const before = () => ({ top: readdirSync(dest).sort(), a: readFileSync(join(dest, 'a.txt'), 'utf8') });
  const list = [
    { path: 'a.txt', text: 'new a' },
    { path: 'a.ann', text: 'T1\tX 0 1\tn\n' },
    { path: 'notes/b.txt', text: 'b' },
  ];

  const error = await writeOutput(dest, parts(list), { multiFile: true }).catch((e: unknown) => e);
  refused('conflict', /brat is a folder that already holds 3 entries/)(error);
  assert.deepEqual((error as ContractError).detail, { path: dest, kind: 'folder', entries: 3 });
  assert.deepEqual(before(), { top: ['a.txt', 'notes', 'stale.txt'], a: 'old a' });

  const result = await writeOutput(dest, parts(list), { multiFile: true, overwrite: true });
  assert.equal(result.files, 3);
  assert.deepEqual(
    readdirSync(dest).sort(),
    ['a.ann', 'a.txt', 'notes', 'stale.txt'],
    'no temporary folder left, nothing removed',
  );
  assert.equal(readFileSync(join(dest, 'a.txt'), 'utf8'), 'new a');
  assert.equal(readFileSync(join(dest, 'stale.txt'), 'utf8'), 'x');
  assert.deepEqual(readdirSync(join(dest, 'notes')).sort(), ['b.txt', 'keep.md']);
  assert.equal(readFileSync(join(dest, 'notes', 'keep.md'), 'utf8'), 'mine');
});

test('an empty existing folder takes a multi-file export without overwrite', async () => {
  const dest = join(tempDir(), 'empty');
  mkdirSync(dest);
  await writeOutput(dest, parts([{ path: 'a.txt', text: 'a' }]), { multiFile: true });
  assert.deepEqual(readdirSync(dest), ['a.txt']);
});

test('a folder in the way of one file refuses the whole export before anything is moved', async () => {
  const dest = join(tempDir(), 'brat');
  mkdirSync(join(dest, 'b.txt'), { recursive: true });
  writeFileSync(join(dest, 'a.txt'), 'old a');
  const list = [
    { path: 'a.txt', text: 'new a' },
    { path: 'b.txt', text: 'b' },
  ];
  await assert.rejects(
    writeOutput(dest, parts(list), { multiFile: true, overwrite: true }),
    refused('invalid', /b\.txt: a folder of that name is in the way/),
  );
  assert.equal(readFileSync(join(dest, 'a.txt'), 'utf8'), 'old a');
  assert.deepEqual(readdirSync(dest).sort(), ['a.txt', 'b.txt']);
});

test('the guard is asked for every file placed and a refusal moves nothing', async () => {
  const dest = join(tempDir(), 'brat');
  mkdirSync(dest);
  writeFileSync(join(dest, 'x'), 'x');
  const asked: string[] = [];
  const guard = (path: string) => {
    asked.push(path);
    if (path.endsWith('db.sqlite'))
      throw new ContractError('invalid', `cannot export to ${path}: protected`, 'destination');
  };
  const list = [
    { path: 'a.txt', text: 'a' },
    { path: 'db.sqlite', text: 'oops' },
  ];
  await assert.rejects(
    writeOutput(dest, parts(list), { multiFile: true, overwrite: true, guard }),
    refused('invalid', /db\.sqlite: protected/),
  );
  assert.deepEqual(asked, [dest, join(dest, 'a.txt'), join(dest, 'db.sqlite')]);
  assert.deepEqual(readdirSync(dest), ['x']);
});

test('a multi-file export aimed at a file is refused and the file kept', async () => {
  const dir = tempDir();
  const dest = join(dir, 'brat');
  writeFileSync(dest, 'a file');
  await assert.rejects(
    writeOutput(dest, parts([{ path: 'a.txt', text: 'a' }]), { multiFile: true, overwrite: true }),
    refused('invalid', /brat is a file/),
  );
  assert.equal(readFileSync(dest, 'utf8'), 'a file');
});

test('file-system failures come back as a ContractError naming the destination', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'plain'), 'p');
  const under = join(dir, 'plain', 'out.jsonl');
  await assert.rejects(
    writeOutput(under, parts([{ text: 'x' }]), { multiFile: false }),
    refused('invalid', /cannot write the export to .*plain\/out\.jsonl: a part of the path is a file/),
  );
  await assert.rejects(
    writeOutput(join(dir, 'plain', 'brat'), parts([{ path: 'a.txt', text: 'a' }]), { multiFile: true }),
    refused('invalid', /a part of the path is a file/),
  );
  assert.equal(readFileSync(join(dir, 'plain'), 'utf8'), 'p');
});

test(
  'a folder that cannot be written is refused with a message, not a crash',
  { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false },
  async () => {
    const dir = tempDir();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      await assert.rejects(
        writeOutput(join(locked, 'out.jsonl'), parts([{ text: 'x' }]), { multiFile: false }),
        refused('invalid', /locked\/out\.jsonl: permission denied/),
      );
    } finally {
      chmodSync(locked, 0o700);
    }
  },
);

test('a failed multi-file export leaves nothing, and parts may not escape the folder', async () => {
  const dir = tempDir();
  const dest = join(dir, 'brat');
  await assert.rejects(
    writeOutput(
      dest,
      parts(
        [
          { path: 'a.txt', text: 'a' },
          { path: 'b.txt', text: 'b' },
        ],
        1,
      ),
      { multiFile: true },
    ),
    /encoder failed/,
  );
  await assert.rejects(
    writeOutput(dest, parts([{ path: '../evil.txt', text: 'x' }]), { multiFile: true }),
    /inside the export folder/,
  );
  assert.deepEqual(readdirSync(dir), []);
  // Into an existing folder: the temporary folder inside it goes, the folder's own files stay.
  mkdirSync(dest);
  writeFileSync(join(dest, 'keep'), 'k');
  await assert.rejects(
    writeOutput(
      dest,
      parts(
        [
          { path: 'a.txt', text: 'a' },
          { path: 'b.txt', text: 'b' },
        ],
        1,
      ),
      { multiFile: true, overwrite: true },
    ),
    /encoder failed/,
  );
  assert.deepEqual(readdirSync(dest), ['keep']);
  assert.ok(existsSync(join(dest, 'keep')));
});
