// `portcullis simulate`: decide one case (CONTRACTS.md) and print the JSON answer.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderExplanation } from '../policy/render.js';
import { CaseError, loadCase, simulate, simulateWithTrace } from '../policy/simulate.js';

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('decide one policy case (JSON on --input FILE, or --input - for stdin)')
    .requiredOption('--input <file>', 'case file, or - for standard input')
    .option('--explain', 'print a human-readable trace of every policy and statement considered')
    .option('--trace', 'add the full trace to the JSON output as "trace"')
    .action((opts: { input: string; explain?: boolean; trace?: boolean }) => {
      process.exitCode = runSimulate(opts);
    });
}

function runSimulate(opts: { input: string; explain?: boolean; trace?: boolean }): number {
  let text: string;
  try {
    text = readFileSync(opts.input === '-' ? 0 : opts.input, 'utf8');
  } catch (err) {
    process.stderr.write(`portcullis simulate: cannot read ${opts.input}: ${(err as Error).message}\n`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    process.stderr.write(`portcullis simulate: the case is not valid JSON: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    const c = loadCase(json);
    if (opts.explain) {
      const { output, explanation } = simulateWithTrace(c);
      process.stdout.write(
        renderExplanation(explanation, { color: process.stdout.isTTY === true, message: output.message }) +
          '\n',
      );
      return 0;
    }
    if (opts.trace) {
      const { output, explanation } = simulateWithTrace(c);
      process.stdout.write(JSON.stringify({ ...output, trace: explanation }, null, 2) + '\n');
      return 0;
    }
    process.stdout.write(JSON.stringify(simulate(c), null, 2) + '\n');
    return 0;
  } catch (err) {
    if (err instanceof CaseError) {
      process.stderr.write(`portcullis simulate: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
