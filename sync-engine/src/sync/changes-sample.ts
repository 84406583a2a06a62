/** A dry run's sample of field-level changes: the first few before/after values it would write. */
import type { FieldChange } from '../domain/run-result.js';

export class ChangesSample {
  readonly changes: FieldChange[] = [];

  constructor(private readonly size: number) {}

  add = (change: FieldChange): void => {
    if (this.changes.length < this.size) this.changes.push(change);
  };
}
