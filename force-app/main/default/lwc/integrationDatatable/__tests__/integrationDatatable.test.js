import IntegrationDatatable from 'c/integrationDatatable';

describe('c-integration-datatable', () => {
  it('adds a statusBadge cell type whose badge takes its class from the row', () => {
    const { statusBadge } = IntegrationDatatable.customTypes;

    expect(statusBadge.typeAttributes).toEqual(['badgeClass']);
    expect(statusBadge.standardCellLayout).toBe(true);
    expect(typeof statusBadge.template).toBe('function');
  });
});
