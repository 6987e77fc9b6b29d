// `workbench users`: the team server's people (issue 15). Passwords are read from the terminal (not echoed, asked
// twice) or from standard input's first line, never from the command line, where `ps` and shell history see them.
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { ROLES, type Role } from '../../../core/contract/roles.js';
import { openDatabase } from '../../../db/open-database.js';
import { Store } from '../../../db/store.js';
import { HOST_DB_NAME, defaultDataDir } from '../../hosts/data-dir.js';
import { hashPassword, passwordProblem } from '../../hosts/web/team/passwords.js';
import { choice, parse, positionals, UsageError, type Command } from '../cli-support.js';

const usage = `usage: workbench users add NAME --role ROLE [--data DIR]
       workbench users list [--data DIR]
       workbench users disable NAME [--data DIR]
       workbench users enable NAME [--data DIR]
       workbench users passwd NAME [--data DIR]
       workbench users role NAME ROLE [--data DIR]

The people of a team server (workbench serve --team). A password is typed at the prompt (not shown) or, when
standard input is not a terminal, read from its first line; it is never an argument. At least ${10} characters.
Disabling a user, or a new password, ends their sessions; their revisions keep their name.
  --role   ${ROLES.join(', ')}
  --data   data folder (default: the per-user folder, or $WORKBENCH_DATA)`;

/** Reads a password: from the terminal without echo (twice), else the first line of standard input. */
export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) {
      text += String(chunk);
      if (text.includes('\n')) break;
    }
    return text.split(/\r?\n/)[0];
  }
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      let muted = false;
      const output = new Writable({
        write: (chunk, _encoding, done) => {
          if (!muted) process.stderr.write(chunk);
          done();
        },
      });
      const rl = createInterface({ input: process.stdin, output, terminal: true });
      rl.question(question, (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
      muted = true;
    });
  const first = await ask(prompt);
  const again = await ask('again: ');
  if (first !== again) throw new UsageError('the two passwords differ');
  return first;
}

async function newPasswordHash(store: Store, name: string): Promise<string> {
  const password = await readPassword(`password for ${name}: `);
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(problem);
  return hashPassword(password, store.users.secret('password'));
}

export const usersCommand: Command = {
  name: 'users',
  summary: "a team server's users: add, list, disable, enable, passwd, role",
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(args, { data: { type: 'string' }, role: { type: 'string' } }, usage);
    const [action, ...more] = rest;
    const dataDir = values.data ?? defaultDataDir();
    // The data folder's database, made when missing: users may be added before the server first starts.
    mkdirSync(dataDir, { recursive: true });
    const store = new Store(openDatabase(join(dataDir, HOST_DB_NAME)));
    try {
      const user = (name: string) => {
        const found = store.users.byName(name);
        if (!found) throw new UsageError(`no user "${name}" (workbench users list)`);
        return found;
      };
      switch (action) {
        case 'add': {
          const [name] = positionals(more, ['name'], usage);
          if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(name))
            throw new UsageError(`a user name is 1-64 letters, digits or . _ @ - (got "${name}")`);
          const role = choice<Role>(values.role, ROLES, 'role', usage);
          if (!role) throw new UsageError('--role is required', usage);
          if (store.users.byName(name)) throw new UsageError(`there is already a user "${name}"`);
          const added = store.users.add(name, role, await newPasswordHash(store, name));
          console.log(`added ${added.name} (${added.role})`);
          return 0;
        }
        case 'list': {
          positionals(more, [], usage);
          for (const u of store.users.list())
            console.log(
              `${u.name}\t${u.role}\t${u.disabled ? 'disabled' : 'active'}\tsince ${u.createdAt.slice(0, 10)}`,
            );
          return 0;
        }
        case 'disable':
        case 'enable': {
          const [name] = positionals(more, ['name'], usage);
          store.users.setDisabled(user(name).id, action === 'disable');
          console.log(`${name} ${action}d`);
          return 0;
        }
        case 'passwd': {
          const [name] = positionals(more, ['name'], usage);
          const found = user(name);
          store.users.setPassword(found.id, await newPasswordHash(store, name));
          console.log(`new password for ${name}; their sessions are ended`);
          return 0;
        }
        case 'role': {
          const [name, role] = positionals(more, ['name', 'role'], usage);
          store.users.setRole(user(name).id, choice<Role>(role, ROLES, 'role', usage)!);
          console.log(`${name} is now ${role}`);
          return 0;
        }
        default:
          throw new UsageError(action === undefined ? 'missing action' : `unknown action "${action}"`, usage);
      }
    } finally {
      store.close();
    }
  },
};
