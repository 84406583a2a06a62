// The preview's page: the package's integrations page as the Lightning app tab shows it, with the platform
// services the page relies on that Lightning Experience would provide (toasts).
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import Toast from 'lightning/toast';
import IntegrationList from 'c/integrationList';

// Lightning Experience shows a toast for every ShowToastEvent that bubbles up from a component; here the
// page does, with the base components' own toast. Its `label` is the platform event's `title`.
document.addEventListener('lightning__showtoast', (event) => {
  const { title, message, variant } = event.detail || {};
  Toast.show({ label: title, message, variant });
});

document.querySelector('#app').appendChild(createElement('c-integration-list', { is: IntegrationList }));
