/** A failure of the copy with the command's exit code: 1 the copy failed (nothing was written to the target), 2 it was refused. */
export class CopyError extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
  ) {
    super(message);
    this.name = 'CopyError';
  }
}
