// The command-line pieces backup and restore share: reading the words, paths as typed, and the
// refused (2) / FAILED (1) messages.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLine, exitOnError, operatorPath } from '../../src/cli/io.js';
import { capture } from './helpers.js';

class ToolError extends Error {
  constructor(readonly exitCode: 1 | 2, message: string) {
    super(message);
  }
}

const OPTIONS = { to: { type: 'string' }, force: { type: 'boolean' } } as const;

describe('commandLine', () => {
  it('returns the options given', () => {
    const io = capture();
    expect(commandLine(['--to', 'dir', '--force'], OPTIONS, 'usage: x', io)).toEqual({ to: 'dir', force: true });
    expect(commandLine([], OPTIONS, 'usage: x', io)).toEqual({});
    expect(io.text()).toBe('');
  });

  it('prints the usage for --help or -h (exit 0), refuses unknown words and positionals with it (exit 2)', () => {
    for (const argv of [['--help'], ['-h', '--to', 'x']]) {
      const io = capture();
      expect(commandLine(argv, OPTIONS, 'usage: x', io)).toBe(0);
      expect(io.stdout).toEqual(['usage: x']);
    }
    for (const argv of [['--from', 'x'], ['dir'], ['--to']]) {
      const io = capture();
      expect(commandLine(argv, OPTIONS, 'usage: x', io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/\nusage: x$/);
    }
  });
});

describe('exitOnError', () => {
  it("says refused or FAILED as the command's own error carries it, and FAILED for anything else", () => {
    const io = capture();
    expect(exitOnError(io, 'backup', new ToolError(2, 'not empty'), ToolError)).toBe(2);
    expect(exitOnError(io, 'restore', new ToolError(1, 'hash differs'), ToolError)).toBe(1);
    expect(exitOnError(io, 'backup', new Error('EIO'), ToolError)).toBe(1);
    expect(io.stderr).toEqual(['backup refused: not empty', 'restore FAILED: hash differs', 'backup FAILED: EIO']);
  });
});

describe('operatorPath', () => {
  it('resolves from where the operator was (INIT_CWD), else the current folder', () => {
    expect(operatorPath({ INIT_CWD: '/home/op' }, 'b')).toBe('/home/op/b');
    expect(operatorPath({ INIT_CWD: '/home/op' }, '/abs')).toBe('/abs');
    expect(operatorPath({}, 'b')).toBe(path.resolve('b'));
  });
});
