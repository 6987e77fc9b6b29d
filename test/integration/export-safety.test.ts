// Export never destroys: existing files and folders are refused unless the call says overwrite (and then nothing
// else is removed), the data folder and the database are refused always, and typed paths resolve as a person reads
// them. Through the service the UI calls, and through the CLI.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ContractError } from '../../core/contract/errors.js';
import { openWorkspace, type Workspace } from '../../main/hosts/workspace.js';
import { unavailableEngine } from '../../main/services/engine-port.js';
import { WorkbenchService } from '../../main/services/workbench-service.js';
import { dataFolder, workbench } from './cli-run.js';

let root: string;
let dataDir: string;
let home: string;
let workspace: Workspace;
let service: WorkbenchService;
const savedHome = process.env.HOME;

before(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'wb-export-safety-')));
  dataDir = join(root, 'data');
  home = join(root, 'home');
  mkdirSync(home);
  process.env.HOME = home;
  workspace = await openWorkspace(dataDir, { samples: false });
  service = new WorkbenchService({
    store: workspace.store,
    dataDir,
    host: 'browser',
    engine: unavailableEngine,
    version: 'test',
  });
  await service['documents.import']({
    projectId: 1,
    name: 'ca.txt',
    contentBase64: Buffer.from('Bệnh nhân ở Hà Nội.\nBà Hoa ở Huế.').toString('base64'),
    format: 'text',
    variant: 'lines',
  });
});

after(async () => {
  process.env.HOME = savedHome;
  await service.close();
  workspace.store.close();
  rmSync(root, { recursive: true, force: true });
});

const run = (destination: string | undefined, format: string, overwrite?: boolean) =>
  service['export.run']({
    projectId: 1,
    format,
    scope: 'all',
    ...(destination === undefined ? {} : { destination }),
    ...(overwrite === undefined ? {} : { overwrite }),
  });

async function refusal(promise: Promise<unknown>): Promise<ContractError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ContractError, `expected a ContractError, got ${String(error)}`);
  return error;
}

/** Every file under `dir` with its content, to show a folder untouched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      out[join(entry.parentPath, entry.name).slice(dir.length)] = readFileSync(
        join(entry.parentPath, entry.name),
        'utf8',
      );
  }
  return out;
}

test('a brat export to an existing folder is refused and the folder left intact; overwrite writes in and keeps the rest', async () => {
  const dest = join(root, 'brat-out');
  mkdirSync(join(dest, 'mine'), { recursive: true });
  writeFileSync(join(dest, 'thesis.docx'), 'three years of work');
  writeFileSync(join(dest, 'mine', 'notes.txt'), 'notes');
  const before = snapshot(dest);

  const error = await refusal(run(dest, 'brat'));
  assert.equal(error.code, 'conflict');
  assert.match(error.message, new RegExp(`${dest} is a folder that already holds 2 entries`));
  assert.deepEqual(error.detail, { path: dest, kind: 'folder', entries: 2 });
  assert.deepEqual(snapshot(dest), before);

  const written = await run(dest, 'brat', true);
  assert.equal(written.destination, dest);
  assert.equal(written.docs, 2);
  const after = snapshot(dest);
  for (const [path, content] of Object.entries(before)) assert.equal(after[path], content, `${path} kept`);
  assert.equal(readdirSync(dest).filter((f) => f.endsWith('.ann')).length, 2);
  // Written again with overwrite: same-named files are replaced, the rest still kept.
  await run(dest, 'brat', true);
  assert.deepEqual(snapshot(dest), after);
});

test('an existing file is refused unless overwrite, then replaced', async () => {
  const dest = join(root, 'out.jsonl');
  writeFileSync(dest, 'precious');
  const error = await refusal(run(dest, 'phoner'));
  assert.equal(error.code, 'conflict');
  assert.deepEqual(error.detail, { path: dest, kind: 'file', bytes: 8 });
  assert.equal(readFileSync(dest, 'utf8'), 'precious');
  const written = await run(dest, 'phoner', true);
  assert.equal(written.destination, dest);
  assert.equal(readFileSync(dest, 'utf8').trim().split('\n').length, 2);
});

test('the data folder and the database are refused, even with overwrite, and the database keeps working', async () => {
  const dbPath = join(dataDir, 'workbench.sqlite');
  const dbBytes = statSync(dbPath).size;
  const dataBefore = readdirSync(dataDir).sort();
  for (const [destination, format] of [
    [dataDir, 'brat'],
    [dataDir, 'phoner'],
    [`${dataDir}/`, 'phoner'],
    [join(dataDir, 'imports'), 'brat'],
    [dbPath, 'phoner'],
    [`${dbPath}-wal`, 'conll'],
    [join(dataDir, 'new.jsonl'), 'phoner'],
  ] as const) {
    for (const overwrite of [false, true]) {
      const error = await refusal(run(destination, format, overwrite));
      assert.equal(error.code, 'invalid', `${destination} ${format}: ${error.message}`);
      assert.match(error.message, /the workbench's (data folder|database)/);
    }
  }
  assert.deepEqual(readdirSync(dataDir).sort(), dataBefore);
  assert.ok(statSync(dbPath).size >= dbBytes);
  const list = await service['documents.list']({ projectId: 1 });
  assert.equal(list.items.length, 2);
  // The data folder's exports/ is the one place inside it an export may go.
  const intoExports = await run(join(dataDir, 'exports', 'mine.jsonl'), 'phoner');
  assert.equal(intoExports.destination, join(dataDir, 'exports', 'mine.jsonl'));
});

test("~/x.jsonl lands in the home folder and relative paths resolve against it, not the server's folder", async () => {
  const tilde = await run('~/x.jsonl', 'phoner');
  assert.equal(tilde.destination, join(home, 'x.jsonl'));
  assert.ok(existsSync(join(home, 'x.jsonl')));
  const relative = await run('exports/y.jsonl', 'doccano');
  assert.equal(relative.destination, join(home, 'exports', 'y.jsonl'));
  assert.ok(existsSync(join(home, 'exports', 'y.jsonl')));
  assert.ok(!existsSync(join(process.cwd(), 'exports', 'y.jsonl')));
});

test('a folder destination for a one-file format writes a named file inside it', async () => {
  const folder = join(root, 'drop');
  mkdirSync(folder);
  writeFileSync(join(folder, 'other.txt'), 'other');
  const written = await run(folder, 'phoner');
  assert.match(written.destination, new RegExp(`^${folder}/Y_tế-all-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z\\.jsonl$`, 'u'));
  assert.deepEqual(readdirSync(folder).sort(), ['other.txt', written.destination.slice(folder.length + 1)].sort());
  assert.equal(readFileSync(written.destination, 'utf8').trim().split('\n').length, 2);
  // `~/` names the home folder itself.
  const inHome = await run('~/', 'conll');
  assert.match(inHome.destination, new RegExp(`^${home}/Y_tế-all-.*\\.conll$`, 'u'));
});

test("no destination: a new file, or a new folder, in the data folder's exports/", async () => {
  const file = await run(undefined, 'phoner');
  assert.match(file.destination, new RegExp(`^${join(dataDir, 'exports')}/Y_tế-all-.*\\.jsonl$`, 'u'));
  const folder = await run(undefined, 'brat');
  assert.match(folder.destination, new RegExp(`^${join(dataDir, 'exports')}/Y_tế-all-[^/]*$`, 'u'));
  assert.ok(statSync(folder.destination).isDirectory());
});

test('a path through a file is a named refusal, not a raw error', async () => {
  writeFileSync(join(root, 'plain'), 'p');
  const error = await refusal(run(join(root, 'plain', 'x.jsonl'), 'phoner'));
  assert.equal(error.code, 'invalid');
  assert.match(error.message, /plain\/x\.jsonl: a part of the path is a file/);
});

test('the CLI refuses an existing file without --overwrite, resolves against its folder, and refuses the database', () => {
  const dir = dataFolder();
  const data = join(dir, 'data');
  mkdirSync(data);
  const db = join(data, 'workbench.sqlite');
  assert.equal(workbench(['init', db]).status, 0);
  writeFileSync(join(dir, 'a.txt'), 'Hà Nội\n');
  assert.equal(workbench(['import', db, join(dir, 'a.txt'), '--format', 'text']).status, 0);
  const cwd = join(dir, 'cwd');
  mkdirSync(cwd);
  writeFileSync(join(cwd, 'out.jsonl'), 'keep');

  const refused = workbench(['export', db, 'out.jsonl', '--format', 'phoner', '--scope', 'all'], cwd);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /out\.jsonl already exists .*--overwrite/);
  assert.equal(readFileSync(join(cwd, 'out.jsonl'), 'utf8'), 'keep');

  const replaced = workbench(['export', db, 'out.jsonl', '--format', 'phoner', '--scope', 'all', '--overwrite'], cwd);
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.match(replaced.stdout, new RegExp(`to ${join(realpathSync(cwd), 'out.jsonl')}$`, 'm'));
  assert.notEqual(readFileSync(join(cwd, 'out.jsonl'), 'utf8'), 'keep');

  const intoDb = workbench(['export', db, db, '--format', 'phoner', '--overwrite'], cwd);
  assert.notEqual(intoDb.status, 0);
  assert.match(intoDb.stderr, /the workbench's database/);
  const intoData = workbench(['export', db, data, '--format', 'brat', '--overwrite'], cwd);
  assert.notEqual(intoData.status, 0);
  assert.match(intoData.stderr, /the workbench's data folder/);
  assert.equal(JSON.parse(workbench(['stats', db, '--json']).stdout).documents, 1);
  rmSync(dir, { recursive: true, force: true });
});
