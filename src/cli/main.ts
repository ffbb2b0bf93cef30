// `portcullis` command line: one sub-command per file in this folder.
import { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerExplain } from './explain.js';
import { registerLint } from './lint.js';
import { registerPolicy } from './policy.js';
import { registerServe } from './serve.js';
import { registerSimulate } from './simulate.js';

const program = new Command();
program
  .name('portcullis')
  .description('S3/OSS-compatible object store with an access plane that explains itself');
registerServe(program);
registerSimulate(program);
registerLint(program);
registerExplain(program);
registerAudit(program);
registerPolicy(program);

await program.parseAsync(process.argv);
