#!/usr/bin/env node
// The `workbench` command: runs the TypeScript CLI through tsx, so the sources are the program.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
