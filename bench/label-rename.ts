// How long a rename takes on a large project: N documents (default 20,000) with 5 entities each, half of them
// using the renamed label. One transaction (docs/data-safety.md): the database is busy for this long.
// Run: node --import tsx bench/label-rename.ts [N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/open-database.js';
import { Store } from '../db/store.js';
import { refreshSummary } from '../main/services/document-summary.js';
import { LabelService } from '../main/services/label-service.js';

const n = Number(process.argv[2] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'wb-label-bench-'));
const store = new Store(openDatabase(join(dir, 'w.sqlite')));
try {
  const project = store.projects.create('bench');
  for (const name of ['A', 'B', 'C', 'D']) store.labels.add(project.id, { name });
  const text = 'Bệnh nhân 91 ở Hà Nội, sốt cao từ ngày 12/3, đi xe buýt đến Bệnh viện Đà Nẵng.';
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = store.documents.insert({
        projectId: project.id,
        name: `d${i}`,
        text,
        contentHash: 'x'.repeat(64),
        source: 'bench',
        sourceRef: String(i),
        split: null,
        status: 'done',
      });
      const label = i % 2 === 0 ? 'A' : 'B';
      const entities = [0, 10, 20, 30, 40].map((start, k) => ({ label: k === 0 ? label : 'C', start, end: start + 5 }));
      store.revisions.append({ documentId: id, parentId: null, author: 'bench', entities });
      refreshSummary(store, id);
    }
  });
  const started = performance.now();
  const change = new LabelService(store, 'bench').rename({ projectId: project.id, from: 'A', to: 'Ä_NEW' });
  const ms = performance.now() - started;
  console.log(
    `${n} documents: rename rewrote ${change.documents} documents (${change.entities} entities) in ${ms.toFixed(0)} ms`,
  );
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
