/**
 * Seeding an org: from the deterministic sample population (the demo's and the benchmarks' Leads and
 * Contacts), from JSON (`{"Lead":[{…}],…}`) and from CSV files named after their object (`Lead.csv`).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { SampleUser } from '../../sample-population.js';
import type { OrgRecords } from '../org-records.js';

export type SeedCounts = Record<string, number>;

const add = (counts: SeedCounts, objectName: string, n: number) => {
  counts[objectName] = (counts[objectName] ?? 0) + n;
};

const DAY = 86_400_000;

/**
 * Leads and Contacts for a population: `lead`/`contact` users get one record with their Salesforce
 * email; converted Leads get `IsConverted`, a Contact with the same email and `ConvertedContactId`;
 * `duplicate` users get a second record with the same email; `none` users get nothing. Contacts
 * belong to one Account per company.
 */
export function seedPopulation(records: OrgRecords, users: SampleUser[]): SeedCounts {
  const counts: SeedCounts = {};
  const accounts = new Map<string, string>();
  const accountOf = (company: string): string => {
    let id = accounts.get(company);
    if (!id) {
      id = records.load('Account', [{ Name: company, Type: 'Customer - Direct' }])[0].Id;
      accounts.set(company, id);
      add(counts, 'Account', 1);
    }
    return id;
  };
  const leads: Array<Record<string, unknown>> = [];
  const contacts: Array<Record<string, unknown>> = [];
  const convertedLeads: Array<{ lead: Record<string, unknown>; contact: Record<string, unknown> }> = [];
  users.forEach((user, i) => {
    const sf = user.salesforce;
    if (sf.kind === 'none') return;
    const person = { FirstName: user.firstName, LastName: user.lastName, Email: sf.email };
    const contact = () => ({ ...person, AccountId: accountOf(user.company), LeadSource: 'Web' });
    const lead = () => ({
      ...person,
      Company: user.company,
      LeadSource: 'Web',
      Status: 'Open - Not Contacted'
    });
    if (sf.kind === 'lead' && sf.converted) {
      convertedLeads.push({
        lead: {
          ...lead(),
          Status: 'Closed - Converted',
          IsConverted: true,
          ConvertedDate: new Date(Date.UTC(2025, 0, 1) + (i % 300) * DAY).toISOString().slice(0, 10)
        },
        contact: contact()
      });
    } else if (sf.kind === 'lead') leads.push(lead());
    else contacts.push(contact());
    if (sf.duplicate) (sf.kind === 'lead' ? leads : contacts).push(sf.kind === 'lead' ? lead() : contact());
  });
  const convertedContacts = records.load(
    'Contact',
    convertedLeads.map((c) => c.contact)
  );
  records.load(
    'Lead',
    convertedLeads.map((c, i) => ({
      ...c.lead,
      ConvertedContactId: convertedContacts[i].Id,
      ConvertedAccountId: convertedContacts[i].AccountId
    }))
  );
  records.load('Lead', leads);
  records.load('Contact', contacts);
  add(counts, 'Lead', leads.length + convertedLeads.length);
  add(counts, 'Contact', contacts.length + convertedContacts.length);
  return counts;
}

/** `{"Lead":[{…}],"Contact":[…]}`: rows with field API names and JSON values. */
export function seedRecords(
  records: OrgRecords,
  data: Record<string, Array<Record<string, unknown>>>
): SeedCounts {
  const counts: SeedCounts = {};
  for (const [objectName, rows] of Object.entries(data)) {
    records.load(objectName, rows);
    add(counts, objectName, rows.length);
  }
  return counts;
}

/** A CSV's rows: header cells are field names; empty cells are left unset. */
function csvRows(text: string): Array<Record<string, unknown>> {
  const rows = parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Array<
    Record<string, string>
  >;
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== '')));
}

/** Seeds from a `.json` file, a `<Object>.csv` file, or a folder of them. */
export function seedFromPath(records: OrgRecords, path: string): SeedCounts {
  if (statSync(path).isDirectory()) {
    const counts: SeedCounts = {};
    for (const name of readdirSync(path).sort()) {
      if (!['.json', '.csv'].includes(extname(name))) continue;
      for (const [objectName, n] of Object.entries(seedFromPath(records, join(path, name))))
        add(counts, objectName, n);
    }
    return counts;
  }
  const text = readFileSync(path, 'utf8');
  if (extname(path) === '.json')
    return seedRecords(records, JSON.parse(text) as Record<string, Array<Record<string, unknown>>>);
  if (extname(path) === '.csv') return seedRecords(records, { [basename(path, '.csv')]: csvRows(text) });
  throw new Error(`${path}: seed files are .json or <Object>.csv`);
}
