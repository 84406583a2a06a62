/**
 * The end of step 4 of a run, for one matched batch: the records each row's key reached. A converted Lead
 * cannot be updated: it is skipped, or (follow-to-contact) replaced by the Contact it became — read by Id,
 * once per batch — and a Contact reached from two rows is written from the first only, and once for a row
 * whose two converted Leads became the same Contact.
 */
import { findField } from '../../domain/object-schema.js';
import type { CandidateRecord, TargetOrg } from '../target-org.js';
import { soqlLiteral } from '../../domain/soql-literal.js';
import type { ValidRow } from '../row-validation.js';
import type { CandidateBatch } from './candidate-batches.js';
import { LAST_SYNCED_FIELD, type IntegrationDefinition } from '../../domain/integration.js';
import { followsContacts, matchSpecFor, type TargetPlan } from '../target-plan.js';

export type Target = { objectName: string; record: CandidateRecord };

/** A row's records, or why it reached none. */
export type RowTargets = { row: ValidRow; targets: Target[] } | { row: ValidRow; unmatched: string };

export class TargetResolver {
  private readonly follows: boolean;
  /** Contacts reached by following converted Leads: two Leads must not write one Contact twice. */
  private readonly followedContacts = new Map<string, number>();

  constructor(
    private readonly org: TargetOrg,
    private readonly integration: IntegrationDefinition,
    private readonly plan: TargetPlan,
    private readonly maxUrlBytes?: number
  ) {
    this.follows = followsContacts(integration);
  }

  async resolve(batch: CandidateBatch): Promise<RowTargets[]> {
    const contacts = await this.contactsOf(batch);
    return batch.rows.map((row) => this.targetsOf(row, batch, contacts));
  }

  /** Contacts that converted Leads of this batch became (follow-to-contact). */
  private async contactsOf({ rows, index }: CandidateBatch): Promise<Map<string, CandidateRecord>> {
    if (!this.follows) return new Map();
    const ids = new Set<string>();
    for (const row of rows) {
      for (const candidate of index.get(row.key) ?? []) {
        if (candidate.isConverted && candidate.convertedContactId) ids.add(candidate.convertedContactId);
      }
    }
    if (ids.size === 0) return new Map();
    const contactPlan = this.plan.objects.get('Contact')!;
    const spec = {
      ...matchSpecFor(this.integration, contactPlan, 'Contact', findField(contactPlan.info, 'Id')!),
      withConversion: false
    };
    return this.org.findByIds(spec, [...ids], this.maxUrlBytes);
  }

  private targetsOf(
    row: ValidRow,
    batch: CandidateBatch,
    contacts: Map<string, CandidateRecord>
  ): RowTargets {
    const objectName = this.integration.targetObject;
    const targets: Target[] = [];
    const notes: string[] = [];
    for (const candidate of batch.index.get(row.key) ?? []) {
      if (!candidate.isConverted) {
        targets.push({ objectName, record: candidate });
        continue;
      }
      if (!this.follows) {
        notes.push(`Lead ${candidate.id} is converted (skipped: converted Leads cannot be updated)`);
        continue;
      }
      const contact = candidate.convertedContactId ? contacts.get(candidate.convertedContactId) : undefined;
      const missing = this.contactFieldsMissing();
      if (!contact)
        notes.push(
          `Lead ${candidate.id} was converted to Contact ${candidate.convertedContactId ?? '(none)'}, which cannot be read`
        );
      else if (missing.length > 0)
        notes.push(
          `Lead ${candidate.id} was converted to Contact ${contact.id}, which has no field ${missing.join(', ')}`
        );
      else {
        const earlier = this.followedContacts.get(contact.id);
        if (targets.some((target) => target.record.id === contact.id)) continue;
        if (earlier !== undefined && earlier !== row.row) {
          notes.push(
            `Lead ${candidate.id} was converted to Contact ${contact.id}, already updated from row ${earlier}`
          );
        } else {
          this.followedContacts.set(contact.id, row.row);
          targets.push({ objectName: 'Contact', record: contact });
        }
      }
    }
    if (targets.length > 0) return { row, targets };
    const unmatched =
      notes.length > 0
        ? notes.join('; ')
        : `no ${objectName} with ${this.plan.keyField.name} = ${soqlLiteral(row.rawKey)}`;
    return { row, unmatched };
  }

  /** Mapped fields the Contact lacks: a converted Lead's Contact without them cannot take the row. */
  private contactFieldsMissing(): string[] {
    const contactInfo = this.plan.objects.get('Contact')!.info;
    return this.integration.mappings
      .filter((mapping) => mapping.field !== LAST_SYNCED_FIELD && !findField(contactInfo, mapping.field))
      .map((mapping) => mapping.field);
  }
}
