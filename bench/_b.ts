import { openDatabase } from '../db/open-database.js';
import { Store } from '../db/store.js';
import { importPath } from '../main/services/import-service.js';
import { exportProject } from '../main/services/export-service.js';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(),'x'));
const store = new Store(openDatabase(join(dir,'a.sqlite')));
const p = store.projects.create('p');
for (const s of ['train','dev','test']) await importPath(store, `/work/shared/data/phoner_covid19/${s}_syllable.jsonl`, {projectId: p.id, format: 'phoner'});
for (let i = 0; i < 2; i++) { const t = performance.now(); await exportProject(store, join(dir, 'brat'+i), {projectId: p.id, format: 'brat'}); console.log('brat', performance.now() - t); }
