/**
 * The deterministic end users behind the demo: the Insights emulator's sample reports and the org
 * emulator's seed Leads and Contacts are both drawn from this one population, so that most report rows
 * match a record — with the hard cases of real data decided here, once.
 */

/** Mulberry32: a small, fast, seedable PRNG; the same seed always yields the same population. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Noa',
  'Omar',
  'Maya',
  'Ethan',
  'Yael',
  'Lucas',
  'Chloe',
  'Daniel',
  'Sofia',
  'Ibrahim',
  'Hannah',
  'Mateo',
  'Leah',
  'Arjun',
  'Emma',
  'Kenji',
  'Zoe',
  'Tomas',
  'Priya',
  'Jonah',
  'Elena',
  'Amir'
];
const LAST_NAMES = [
  'Cohen',
  'Smith',
  'Levi',
  'Garcia',
  'Nakamura',
  'Patel',
  "O'Brien",
  'Müller',
  'Rossi',
  'Kim',
  'Dubois',
  'Novak',
  'Silva',
  'Haddad',
  'Johnson',
  'Schwartz',
  'Andersen',
  'Kowalski',
  'Fischer',
  'Mizrahi'
];
const COMPANIES = [
  { name: 'Acme Corp', domain: 'acme.example' },
  { name: 'Globex', domain: 'globex.example' },
  { name: 'Initech', domain: 'initech.example' },
  { name: 'Umbrella Health', domain: 'umbrella.example' },
  { name: 'Stark Logistics', domain: 'stark.example' },
  { name: 'Wayne Finance', domain: 'wayne.example' }
];

export interface SampleUser {
  /** WalkMe end-user id (what Insights reports carry as "User ID"). */
  userId: string;
  firstName: string;
  lastName: string;
  company: string;
  /** The email as WalkMe knows it (lowercase). */
  email: string;
  /** How this user exists in Salesforce; the report side always has them. */
  salesforce: {
    /** `none`: no record (the row stays unmatched); `lead`, `contact`: one record. */
    kind: 'none' | 'lead' | 'contact';
    /** The email as typed in Salesforce: sometimes with different case. */
    email: string;
    /** The Lead was converted (to a Contact with the same email). */
    converted: boolean;
    /** Salesforce holds a second record with the same email (a duplicate). */
    duplicate: boolean;
  };
}

/** The default seed: the demo's population. */
export const POPULATION_SEED = 20261121;

/**
 * The first `count` users of the population for `seed`. Shares are fixed so the demo's figures are
 * stable: ~3 % have no Salesforce record, ~2 % are duplicated, ~4 % are converted Leads, ~15 % of
 * Salesforce emails differ in case from WalkMe's.
 */
export function samplePopulation(count: number, seed = POPULATION_SEED): SampleUser[] {
  return Array.from(generatePopulation(count, seed));
}

/** The same users as `samplePopulation`, one at a time, for reports too large to hold in memory. */
export function* generatePopulation(count: number, seed = POPULATION_SEED): Generator<SampleUser> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  for (let i = 0; i < count; i += 1) {
    const firstName = pick(FIRST_NAMES);
    const lastName = pick(LAST_NAMES);
    const company = pick(COMPANIES);
    const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    const email = `${local}.${i + 1}@${company.domain}`;
    const roll = random();
    const kind = roll < 0.03 ? 'none' : roll < 0.6 ? 'lead' : 'contact';
    const salesforceEmail =
      random() < 0.15
        ? email.replace(/^./, (c) => c.toUpperCase()).replace(/@.*/, (d) => d.toUpperCase())
        : email;
    yield {
      userId: `wm-${String(i + 1).padStart(6, '0')}`,
      firstName,
      lastName,
      company: company.name,
      email,
      salesforce: {
        kind,
        email: salesforceEmail,
        converted: kind === 'lead' && random() < 0.07,
        duplicate: kind !== 'none' && random() < 0.02
      }
    };
  }
}
