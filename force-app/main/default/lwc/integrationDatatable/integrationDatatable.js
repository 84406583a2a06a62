import LightningDatatable from 'lightning/datatable';
import statusBadge from './statusBadge.html';

/** lightning-datatable with a `statusBadge` cell type, so the list shows the last run's status as a badge. */
export default class IntegrationDatatable extends LightningDatatable {
  static customTypes = {
    statusBadge: {
      template: statusBadge,
      standardCellLayout: true,
      typeAttributes: ['badgeClass']
    }
  };
}
