/**
 * Faithful definitions of the standard objects the product touches (Lead, Contact, Account, User,
 * ContentVersion, Organization, and PermissionSet with PermissionSetAssignment for the operator check): the fields, types, lengths and flags a real org's describe reports for them, per the
 * Object Reference for the Salesforce Platform. Custom fields from the package are merged in later.
 */
import { field, type FieldDef, type PicklistValue } from './schema-types.js';

const readOnly = { createable: false, updateable: false } as const;

function picklist(values: string[], defaultValue?: string): PicklistValue[] {
  return values.map((value) => ({ value, label: value, defaultValue: value === defaultValue }));
}

/** CreatedDate and CreatedById, which records and platform events alike carry. */
export function creationFields(): FieldDef[] {
  return [
    field({
      name: 'CreatedDate',
      label: 'Created Date',
      type: 'datetime',
      ...readOnly,
      nillable: false
    }),
    field({
      name: 'CreatedById',
      label: 'Created By ID',
      type: 'reference',
      length: 18,
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
      ...readOnly,
      nillable: false
    })
  ];
}

/** Id, IsDeleted, owner and audit fields every queryable object has. */
export function systemFields(options: { owner: boolean }): FieldDef[] {
  const fields = [
    field({ name: 'Id', label: 'Record ID', type: 'id', length: 18, ...readOnly, nillable: false }),
    field({ name: 'IsDeleted', label: 'Deleted', type: 'boolean', ...readOnly }),
    ...creationFields(),
    field({
      name: 'LastModifiedDate',
      label: 'Last Modified Date',
      type: 'datetime',
      ...readOnly,
      nillable: false
    }),
    field({
      name: 'LastModifiedById',
      label: 'Last Modified By ID',
      type: 'reference',
      length: 18,
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
      ...readOnly,
      nillable: false
    }),
    field({
      name: 'SystemModstamp',
      label: 'System Modstamp',
      type: 'datetime',
      ...readOnly,
      nillable: false
    })
  ];
  if (options.owner) {
    fields.push(
      field({
        name: 'OwnerId',
        label: 'Owner ID',
        type: 'reference',
        length: 18,
        referenceTo: ['User'],
        relationshipName: 'Owner',
        nillable: false
      })
    );
  }
  return fields;
}

const text = (name: string, label: string, length: number, extra: Partial<FieldDef> = {}): FieldDef =>
  field({ name, label, type: 'string', length, ...extra });

function personFields(): FieldDef[] {
  return [
    field({
      name: 'Salutation',
      label: 'Salutation',
      type: 'picklist',
      length: 40,
      picklistValues: picklist(['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'])
    }),
    text('FirstName', 'First Name', 40),
    text('LastName', 'Last Name', 80, { required: true }),
    text('Name', 'Full Name', 121, readOnly),
    text('Title', 'Title', 128),
    field({ name: 'Phone', label: 'Phone', type: 'phone', length: 40 }),
    field({ name: 'MobilePhone', label: 'Mobile Phone', type: 'phone', length: 40 }),
    field({ name: 'Email', label: 'Email', type: 'email', length: 80, idLookup: true }),
    field({
      name: 'LeadSource',
      label: 'Lead Source',
      type: 'picklist',
      length: 255,
      picklistValues: picklist(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'])
    }),
    field({ name: 'Description', label: 'Description', type: 'textarea', length: 32000 }),
    field({ name: 'HasOptedOutOfEmail', label: 'Email Opt Out', type: 'boolean' }),
    field({ name: 'DoNotCall', label: 'Do Not Call', type: 'boolean' })
  ];
}

function addressFields(prefix: string, label: string): FieldDef[] {
  return [
    field({ name: `${prefix}Street`, label: `${label} Street`, type: 'textarea', length: 255 }),
    text(`${prefix}City`, `${label} City`, 40),
    text(`${prefix}State`, `${label} State/Province`, 80),
    text(`${prefix}PostalCode`, `${label} Zip/Postal Code`, 20),
    text(`${prefix}Country`, `${label} Country`, 80)
  ];
}

/** Lead and Account share the Industry picklist, as in Salesforce. */
const industryField = (): FieldDef =>
  field({
    name: 'Industry',
    label: 'Industry',
    type: 'picklist',
    length: 255,
    picklistValues: picklist(['Technology', 'Finance', 'Healthcare', 'Retail', 'Manufacturing'])
  });

const LEAD_STATUSES = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted'
];

const leadFields = (): FieldDef[] => [
  ...systemFields({ owner: true }),
  ...personFields(),
  text('Company', 'Company', 255, { required: true }),
  ...addressFields('', ''),
  field({ name: 'Website', label: 'Website', type: 'url', length: 255 }),
  field({
    name: 'Status',
    label: 'Status',
    type: 'picklist',
    length: 255,
    nillable: false,
    defaultValue: 'Open - Not Contacted',
    picklistValues: picklist(LEAD_STATUSES, 'Open - Not Contacted')
  }),
  industryField(),
  field({ name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', precision: 18, scale: 0 }),
  field({ name: 'NumberOfEmployees', label: 'Employees', type: 'int', precision: 8 }),
  // Conversion fields are set only by convertLead: createable for data migration, never updateable.
  field({ name: 'IsConverted', label: 'Converted', type: 'boolean', updateable: false }),
  field({ name: 'ConvertedDate', label: 'Converted Date', type: 'date', updateable: false }),
  field({
    name: 'ConvertedAccountId',
    label: 'Converted Account ID',
    type: 'reference',
    length: 18,
    referenceTo: ['Account'],
    relationshipName: 'ConvertedAccount',
    updateable: false
  }),
  field({
    name: 'ConvertedContactId',
    label: 'Converted Contact ID',
    type: 'reference',
    length: 18,
    referenceTo: ['Contact'],
    relationshipName: 'ConvertedContact',
    updateable: false
  }),
  field({ name: 'IsUnreadByOwner', label: 'Unread By Owner', type: 'boolean' }),
  field({ name: 'LastActivityDate', label: 'Last Activity', type: 'date', ...readOnly })
];

const contactFields = (): FieldDef[] => [
  ...systemFields({ owner: true }),
  field({
    name: 'AccountId',
    label: 'Account ID',
    type: 'reference',
    length: 18,
    referenceTo: ['Account'],
    relationshipName: 'Account'
  }),
  ...personFields(),
  ...addressFields('Mailing', 'Mailing'),
  text('Department', 'Department', 80),
  field({ name: 'Birthdate', label: 'Birthdate', type: 'date' }),
  field({ name: 'LastActivityDate', label: 'Last Activity', type: 'date', ...readOnly })
];

/**
 * The few ContentVersion fields a file upload sets (the engine attaches a run's rejected rows as CSV):
 * FirstPublishLocationId is create-only; VersionData is base64 (Object Reference, ContentVersion).
 */
const contentVersionFields = (): FieldDef[] => [
  ...systemFields({ owner: true }),
  text('Title', 'Title', 255, { nillable: false }),
  text('PathOnClient', 'Path On Client', 500),
  field({ name: 'VersionData', label: 'Version Data', type: 'base64' }),
  field({
    name: 'FirstPublishLocationId',
    label: 'First Publish Location ID',
    type: 'reference',
    length: 18,
    referenceTo: ['WalkMe_Sync_Run__c', 'Account', 'Contact', 'Lead', 'User'],
    updateable: false
  })
];

const accountFields = (): FieldDef[] => [
  ...systemFields({ owner: true }),
  text('Name', 'Account Name', 255, { required: true }),
  field({
    name: 'Type',
    label: 'Account Type',
    type: 'picklist',
    length: 255,
    picklistValues: picklist(['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'])
  }),
  industryField(),
  ...addressFields('Billing', 'Billing'),
  field({ name: 'Phone', label: 'Account Phone', type: 'phone', length: 40 }),
  field({ name: 'Website', label: 'Website', type: 'url', length: 255 }),
  field({ name: 'NumberOfEmployees', label: 'Employees', type: 'int', precision: 8 }),
  field({ name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', precision: 18, scale: 0 }),
  field({ name: 'Description', label: 'Account Description', type: 'textarea', length: 32000 })
];

const userFields = (): FieldDef[] => [
  ...systemFields({ owner: false }),
  text('Username', 'Username', 80, { required: true, unique: true, idLookup: true }),
  text('FirstName', 'First Name', 40),
  text('LastName', 'Last Name', 80, { required: true }),
  text('Name', 'Full Name', 121, readOnly),
  field({ name: 'Email', label: 'Email', type: 'email', length: 128, required: true }),
  text('Alias', 'Alias', 8, { required: true }),
  // The fields the REST guide's composite example reads from a record's owner ("Execute Dependent
  // Requests in a Single API Call": Name, CompanyName, Title, City, State).
  text('Title', 'Title', 80),
  text('CompanyName', 'Company Name', 80),
  field({ name: 'Street', label: 'Street', type: 'textarea', length: 255 }),
  text('City', 'City', 40),
  text('State', 'State/Province', 80),
  text('PostalCode', 'Zip/Postal Code', 20),
  text('Country', 'Country', 80),
  field({ name: 'IsActive', label: 'Active', type: 'boolean', defaultValue: true }),
  field({
    name: 'TimeZoneSidKey',
    label: 'Time Zone',
    type: 'picklist',
    length: 40,
    nillable: false,
    restrictedPicklist: true,
    defaultValue: 'GMT',
    picklistValues: picklist(
      ['GMT', 'America/Los_Angeles', 'America/New_York', 'Europe/London', 'Asia/Jerusalem'],
      'GMT'
    )
  }),
  text('UserType', 'User Type', 40, readOnly)
];

const organizationFields = (): FieldDef[] => [
  ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
  text('Name', 'Name', 80, readOnly),
  field({ name: 'IsSandbox', label: 'Is Sandbox', type: 'boolean', ...readOnly }),
  text('InstanceName', 'Instance Name', 5, readOnly),
  field({
    name: 'OrganizationType',
    label: 'Edition',
    type: 'picklist',
    length: 40,
    ...readOnly,
    picklistValues: picklist([
      'Team Edition',
      'Professional Edition',
      'Enterprise Edition',
      'Developer Edition',
      'Unlimited Edition'
    ])
  }),
  field({ name: 'TrialExpirationDate', label: 'Trial Expiration Date', type: 'datetime', ...readOnly }),
  text('DefaultLocaleSidKey', 'Locale', 40, readOnly),
  text('LanguageLocaleKey', 'Language', 40, readOnly),
  text('TimeZoneSidKey', 'Time Zone', 40, readOnly)
];

/**
 * The two system permissions the engine asks about; a real PermissionSet has one `Permissions…` field per
 * permission ("PermissionSet", Object Reference). Profiles own a permission set each (`IsOwnedByProfile`).
 */
const permissionSetFields = (): FieldDef[] => [
  ...systemFields({ owner: false }),
  text('Name', 'Name', 80, { required: true }),
  text('Label', 'Label', 80, { required: true }),
  field({ name: 'IsOwnedByProfile', label: 'Is Owned By Profile', type: 'boolean', ...readOnly }),
  field({ name: 'PermissionsModifyAllData', label: 'Modify All Data', type: 'boolean' }),
  field({ name: 'PermissionsViewSetup', label: 'View Setup and Configuration', type: 'boolean' })
];

const permissionSetAssignmentFields = (): FieldDef[] => [
  ...systemFields({ owner: false }),
  field({
    name: 'AssigneeId',
    label: 'Assignee ID',
    type: 'reference',
    length: 18,
    referenceTo: ['User'],
    relationshipName: 'Assignee',
    nillable: false
  }),
  field({
    name: 'PermissionSetId',
    label: 'Permission Set ID',
    type: 'reference',
    length: 18,
    referenceTo: ['PermissionSet'],
    relationshipName: 'PermissionSet',
    nillable: false
  })
];

export interface StandardObjectSpec {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: () => FieldDef[];
  writable: boolean;
}

export const STANDARD_OBJECTS: StandardObjectSpec[] = [
  { name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q', fields: leadFields, writable: true },
  {
    name: 'Contact',
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    fields: contactFields,
    writable: true
  },
  {
    name: 'Account',
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    fields: accountFields,
    writable: true
  },
  { name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005', fields: userFields, writable: true },
  {
    name: 'ContentVersion',
    label: 'Content Version',
    labelPlural: 'Content Versions',
    keyPrefix: '068',
    fields: contentVersionFields,
    writable: true
  },
  {
    name: 'Organization',
    label: 'Organization',
    labelPlural: 'Organizations',
    keyPrefix: '00D',
    fields: organizationFields,
    writable: false
  },
  // Seeded by the emulator; assigning permission sets over the API is not emulated.
  {
    name: 'PermissionSet',
    label: 'Permission Set',
    labelPlural: 'Permission Sets',
    keyPrefix: '0PS',
    fields: permissionSetFields,
    writable: false
  },
  {
    name: 'PermissionSetAssignment',
    label: 'Permission Set Assignment',
    labelPlural: 'Permission Set Assignments',
    keyPrefix: '0Pa',
    fields: permissionSetAssignmentFields,
    writable: false
  }
];
