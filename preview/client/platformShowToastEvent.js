// lightning/platformShowToastEvent is a platform module, not in lightning-base-components: its event, as the
// LWC Developer Guide ("Toast Notifications") describes it, with { title, message, variant } as detail.
export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: toast });
  }
}
