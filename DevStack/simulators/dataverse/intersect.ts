/**
 * The intersect table behind an N:N relationship (`systemuserroles`, `teammembership`, …): one row per
 * pair, keyed by a stable id so associating twice is a no-op, as the platform's Associate is.
 */
import { stableGuid } from './ids';
import type { RecordStore } from './store';

export class IntersectTable {
  constructor(
    private readonly store: RecordStore,
    /** Logical name of the intersect table, e.g. `teamroles`. */
    readonly entity: string,
    /** Its primary key column, e.g. `teamroleid`. */
    private readonly idColumn: string,
    /** Column of the first table's id, e.g. `teamid`. */
    private readonly left: string,
    /** Column of the second table's id, e.g. `roleid`. */
    private readonly right: string,
  ) {}

  private id(left: string, right: string): string {
    return stableGuid(this.entity, left.toLowerCase(), right.toLowerCase());
  }

  /** Second-table ids linked to `left`. */
  rightOf(left: string): string[] {
    const key = left.toLowerCase();
    return this.store
      .list(this.entity)
      .filter((row) => row[this.left] === key)
      .map((row) => String(row[this.right]));
  }

  /** First-table ids linked to `right`. */
  leftOf(right: string): string[] {
    const key = right.toLowerCase();
    return this.store
      .list(this.entity)
      .filter((row) => row[this.right] === key)
      .map((row) => String(row[this.left]));
  }

  link(left: string, right: string): void {
    const id = this.id(left, right);
    if (this.store.get(this.entity, id)) return;
    this.store.put(this.entity, id, {
      [this.idColumn]: id,
      [this.left]: left.toLowerCase(),
      [this.right]: right.toLowerCase(),
      versionnumber: this.store.nextVersion(),
    });
  }

  /** False when the pair was not linked. */
  unlink(left: string, right: string): boolean {
    return this.store.delete(this.entity, this.id(left, right));
  }
}
