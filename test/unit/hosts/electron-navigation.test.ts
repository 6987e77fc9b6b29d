// The Electron window's boundaries as pure functions: which addresses stay in the app, which links may go to the
// user's browser (the allow-list), which app:// requests name a renderer file, and the fuses the package flips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAppPath } from '../../../main/hosts/electron/app-path.js';
import { allowedExternalUrl, isAppUrl, openExternalAllowed } from '../../../main/hosts/electron/navigation.js';

test('only app://workbench pages count as the app', () => {
  assert.equal(isAppUrl('app://workbench/index.html'), true);
  assert.equal(isAppUrl('app://workbench/#/doc/3'), true);
  for (const url of [
    'app://other/index.html',
    'https://workbench/',
    'file:///etc/passwd',
    'http://127.0.0.1:8080/',
    'javascript:alert(1)',
    'not a url',
    '',
  ]) {
    assert.equal(isAppUrl(url), false, url);
  }
});

test('external links: https on an allow-listed host only, normalised; everything else refused', () => {
  assert.equal(
    allowedExternalUrl('https://github.com/VinAIResearch/PhoNER_COVID19'),
    'https://github.com/VinAIResearch/PhoNER_COVID19',
  );
  assert.equal(allowedExternalUrl('https://GitHub.com/x?y=1#z'), 'https://github.com/x?y=1#z');
  assert.equal(
    allowedExternalUrl('https://github.com:443/x'),
    'https://github.com/x',
    'the default port is the same address',
  );
  for (const url of [
    'http://github.com/x', // not https
    'https://github.com.evil.example/x', // a look-alike host
    'https://evil.example/github.com', // the name in the path
    'https://gist.github.com/x', // no subdomains
    'https://user:pass@github.com/x', // credentials
    'https://github.com@evil.example/', // credentials trick
    'https://github.com:8443/x', // another port
    'file:///etc/passwd',
    'smb://server/share',
    'javascript:alert(1)',
    'app://workbench/index.html',
    'ms-msdt:/id',
    'not a url',
    '',
    `https://github.com/${'a'.repeat(3000)}`, // too long to be a link a person clicked
  ]) {
    assert.equal(allowedExternalUrl(url), undefined, url);
  }
  assert.equal(allowedExternalUrl('https://docs.example.org/a', ['docs.example.org']), 'https://docs.example.org/a');
});

test('openExternalAllowed hands only allowed links to the opener and says why it refused the others', async () => {
  const opened: string[] = [];
  const logs: string[] = [];
  const open = async (url: string) => void opened.push(url);
  assert.equal(
    openExternalAllowed('https://github.com/a', open, (m) => logs.push(m)),
    true,
  );
  assert.equal(
    openExternalAllowed('file:///etc/passwd', open, (m) => logs.push(m)),
    false,
  );
  assert.equal(
    openExternalAllowed('https://evil.example/', open, (m) => logs.push(m)),
    false,
  );
  assert.deepEqual(opened, ['https://github.com/a']);
  assert.equal(logs.length, 2);
  assert.match(logs[0], /refused to open "file:\/\/\/etc\/passwd"/);
  // A failing opener is logged, not thrown into the event handler.
  assert.equal(
    openExternalAllowed(
      'https://github.com/b',
      async () => {
        throw new Error('no browser');
      },
      (m) => logs.push(m),
    ),
    true,
  );
  await new Promise((r) => setImmediate(r));
  assert.match(logs[2], /could not open https:\/\/github.com\/b: no browser/);
});

test('app:// requests resolve inside the renderer folder; malformed ones are 400, outside ones 404', () => {
  const root = '/srv/app/dist/renderer';
  assert.deepEqual(resolveAppPath(root, 'app://workbench/'), { status: 200, file: join(root, 'index.html') });
  assert.deepEqual(resolveAppPath(root, 'app://workbench/assets/index-abc.js'), {
    status: 200,
    file: join(root, 'assets/index-abc.js'),
  });
  assert.deepEqual(
    resolveAppPath(root + '/', 'app://workbench/a%20b.css'),
    { status: 200, file: join(root, 'a b.css') },
    'a trailing slash on the root changes nothing',
  );
  assert.deepEqual(resolveAppPath(root, 'app://workbench/t%E1%BB%87p.json'), {
    status: 200,
    file: join(root, 'tệp.json'),
  });

  // Malformed percent-encoding used to throw URIError out of the handler.
  for (const url of [
    'app://workbench/%E0%A4%A',
    'app://workbench/%',
    'app://workbench/a%ZZ',
    'app://workbench/%C0%AF',
    'app://workbench/a%00b',
    'not a url',
  ]) {
    assert.equal(resolveAppPath(root, url).status, 400, url);
  }
  // Traversal stays refused, plain or encoded; so do other hosts and the folder itself.
  for (const url of [
    'app://workbench/..%2F..%2Fetc%2Fpasswd',
    'app://workbench/%2e%2e%2f%2e%2e%2fetc/passwd',
    'app://workbench/assets/..%2F..%2F..%2Fsecret',
    'app://workbench/..%2Frenderer-other/x.js',
    'app://workbench/%2E%2E',
    'app://other/index.html',
    'app://workbench/..%2F',
  ]) {
    const resolved = resolveAppPath(root, url);
    assert.equal(resolved.status, 404, `${url} -> ${JSON.stringify(resolved)}`);
  }
  // The URL parser already folds plain and encoded `..` segments: what is left is still inside the folder.
  assert.deepEqual(resolveAppPath(root, 'app://workbench/../../etc/passwd'), {
    status: 200,
    file: join(root, 'etc/passwd'),
  });
  assert.deepEqual(resolveAppPath(root, 'app://workbench/%2e%2e/%2e%2e/etc/passwd'), {
    status: 200,
    file: join(root, 'etc/passwd'),
  });
});

test('electron-builder.yml flips the hardening fuses', () => {
  const yml = readFileSync('electron-builder.yml', 'utf8');
  const block = yml.slice(yml.indexOf('\nelectronFuses:'));
  const fuses = Object.fromEntries(
    [...block.matchAll(/^ {2}(\w+): (true|false)$/gm)].map((m) => [m[1], m[2] === 'true']),
  );
  assert.deepEqual(fuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
});
