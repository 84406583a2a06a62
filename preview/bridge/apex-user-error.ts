/** An AuraHandledException: its message is for the admin, and reaches the component as `body.message`. */
export class ApexUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApexUserError';
  }
}
