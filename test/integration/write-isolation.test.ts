// Writes that cannot join someone else's transaction (docs/data-safety.md): while a file is being imported, other
// callers' saves, status changes and imports are committed on their own; a failed or killed import leaves no
// document behind; an import cut short while publishing is finished by the next process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scoredAreSuggestions, type Codec, type DecodeEvent } from '../../core/codecs/codec.js';
import { InputError } from '../../core/issues.js';
import { openDatabase } from '../../db/open-database.js';
import { currentOwner } from '../../db/process-owner.js';
import { Store } from '../../db/store.js';
import { recoverImports, type StagedRecord } from '../../main/services/import-publish.js';
import { importPath } from '../../main/services/import-service.js';
import { tempService } from '../unit/hosts/helpers.js';

/** A codec that yields `count` documents, waits for `gate` half-way, then ends cleanly or with an error. */
function gatedCodec(count: number, gate: Promise<void>, end: 'ok' | 'error', prefix = 'g'): Codec {
  return {
    id: 'text',
    title: 'gated',
    extensions: ['.txt'],
    multiFile: false,
    carried: scoredAreSuggestions(false),
    async *decode(input): AsyncIterable<DecodeEvent> {
      for (let i = 1; i <= count; i++) {
        if (i === Math.floor(count / 2)) await gate;
        yield {
          kind: 'doc',
          line: i,
          doc: {
            name: `${prefix}${i}`,
            text: `Hà Nội, bệnh nhân ${i}`,
            entities: [{ label: 'LOCATION', start: 0, end: 6 }],
          },
        };
      }
      if (end === 'error')
        yield {
          kind: 'issue',
          issue: { severity: 'error', file: input.source.name, line: count + 1, message: 'broken last line' },
        };
    },
    async *encode() {},
  };
}

function deferred() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function withService(
  fn: (
    ctx: Awaited<ReturnType<typeof tempService>> & { file: string; projectId: number; docId: number },
  ) => Promise<void>,
) {
  const ctx = await tempService();
  try {
    const file = join(ctx.dir, 'big.txt');
    writeFileSync(file, 'x\n');
    const projectId = ctx.store.projects.list()[0].id;
    await importPath(ctx.store, file, { projectId, format: 'text', variant: 'lines' });
    const docId = (await ctx.service['documents.list']({ projectId })).items[0].id;
    await fn({ ...ctx, file, projectId, docId });
  } finally {
    await ctx.close();
  }
}

/** What another connection to the same file sees: committed data only. */
function committed(dir: string, sql: string, ...params: unknown[]): unknown {
  const db = openDatabase(join(dir, 'workbench.sqlite'), { mustExist: true });
  try {
    return db.prepare(sql).get(...params);
  } finally {
    db.close();
  }
}

for (const end of ['error', 'ok'] as const) {
  test(`a save and a status change made while an import is running are committed, whether the import ${end === 'error' ? 'fails' : 'succeeds'}`, async () => {
    await withService(async ({ service, store, dir, file, projectId, docId }) => {
      const gate = deferred();
      const importing = importPath(store, file, { projectId, format: gatedCodec(1500, gate.promise, end) });
      await new Promise((resolve) => setTimeout(resolve, 50)); // the import is waiting at its gate, 749 records staged
      assert.ok(!store.db.inTransaction, 'no transaction is left open across an await');
      const before = await service['documents.list']({ projectId });
      assert.equal(before.total, 1, 'staged records are not documents');
      const saved = await service['annotations.save']({
        documentId: docId,
        parentRevisionId: null,
        entities: [{ label: 'AGE', start: 0, end: 1 }],
      });
      await service['documents.setStatus']({ documentId: docId, status: 'done' });
      assert.deepEqual(committed(dir, 'SELECT status FROM documents WHERE id = ?', docId), { status: 'done' });
      assert.deepEqual(committed(dir, 'SELECT id FROM annotation_revisions WHERE id = ?', saved.revisionId), {
        id: saved.revisionId,
      });
      gate.open();
      if (end === 'error') await assert.rejects(importing, InputError);
      else assert.equal((await importing).imported, 1500);

      assert.deepEqual(
        committed(dir, 'SELECT status FROM documents WHERE id = ?', docId),
        { status: 'done' },
        'the status change survived',
      );
      assert.deepEqual(
        committed(dir, 'SELECT count(*) AS n FROM annotation_revisions WHERE id = ?', saved.revisionId),
        { n: 1 },
        'the save survived',
      );
      assert.deepEqual(committed(dir, 'SELECT count(*) AS n FROM documents'), { n: end === 'error' ? 1 : 1501 });
      assert.deepEqual(committed(dir, 'SELECT count(*) AS n FROM staged_records'), { n: 0 });
      assert.deepEqual(committed(dir, 'SELECT count(*) AS n FROM imports'), { n: 0 });
      assert.equal(
        (await service['documents.list']({ projectId })).total,
        end === 'error' ? 1 : 1501,
        'the list follows what is committed',
      );
    });
  });
}

test('two imports at once both complete, and a record both hold becomes one document', async () => {
  await withService(async ({ store, file, projectId }) => {
    const gate = deferred();
    const first = importPath(store, file, { projectId, format: gatedCodec(1200, gate.promise, 'ok') });
    const second = importPath(store, file, { projectId, format: gatedCodec(1200, Promise.resolve(), 'ok') });
    const b = await second;
    gate.open();
    const a = await first;
    assert.equal(a.imported + b.imported, 1200);
    assert.equal(a.unchanged + b.unchanged, 1200);
    assert.equal(store.db.prepare("SELECT count(*) AS n FROM documents WHERE name LIKE 'g%'").pluck().get(), 1200);
  });
});

/** A process that has already exited: its pid is dead. */
function deadOwner(): string {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return currentOwner().replace(/:\d+$/, `:${child.stdout.toString()}`);
}

function stageByHand(
  store: Store,
  projectId: number,
  owner: string,
  state: 'staging' | 'publishing',
  names: string[],
): number {
  return store.transaction(() => {
    const id = store.imports.start({ projectId, source: `${state}.jsonl`, format: 'doccano', actor: 'cli' }, owner);
    names.forEach((name, i) => {
      const record: StagedRecord = {
        name,
        text: `Hà Nội ${name}`,
        hash: 'f'.repeat(64),
        split: null,
        status: 'done',
        annotated: [{ label: 'LOCATION', start: 0, end: 6 }],
        suggested: [],
        origin: { modelName: 'import', modelVersion: 'unknown' },
      };
      store.imports.stage(id, i + 1, i + 1, JSON.stringify(record));
    });
    store.imports.setState(id, state, owner);
    return id;
  });
}

test('recovery abandons what a dead process was staging, finishes what it was publishing, and leaves a live process alone', async () => {
  await withService(async ({ store, projectId }) => {
    const dead = deadOwner();
    stageByHand(store, projectId, dead, 'staging', ['s1', 's2']);
    stageByHand(store, projectId, dead, 'publishing', ['p1', 'p2', 'p3']);
    const live = stageByHand(store, projectId, currentOwner().replace(/:\d+$/, `:${process.ppid}`), 'staging', ['l1']);
    const before = store.db.prepare('SELECT count(*) FROM documents').pluck().get() as number;

    const recovered = await recoverImports(store);
    assert.equal(recovered.published.length, 1);
    assert.equal(recovered.abandoned.length, 1);
    const names = store.db.prepare('SELECT name FROM documents WHERE id > 1 ORDER BY id').pluck().all();
    assert.deepEqual(names, ['p1', 'p2', 'p3']);
    assert.equal(store.db.prepare('SELECT count(*) FROM documents').pluck().get(), before + 3);
    assert.equal(
      store.db
        .prepare(
          'SELECT count(*) FROM annotation_revisions r JOIN documents d ON d.id = r.document_id WHERE d.name LIKE ?',
        )
        .pluck()
        .get('p%'),
      3,
    );
    assert.deepEqual(
      store.imports.unfinished().map((i) => i.id),
      [live],
      "a live process's import is left to it",
    );
    assert.equal(store.db.prepare('SELECT count(*) FROM staged_records WHERE import_id = ?').pluck().get(live), 1);
    // Recovering again changes nothing.
    assert.deepEqual(await recoverImports(store), { published: [], abandoned: [] });
  });
});
