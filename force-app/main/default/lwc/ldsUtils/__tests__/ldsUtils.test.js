import { reduceErrors } from 'c/ldsUtils';

describe('c/ldsUtils reduceErrors', () => {
  it('reads the message of an AuraHandledException', () => {
    expect(reduceErrors({ body: { message: 'A run is already queued.' }, status: 400 })).toBe(
      'A run is already queued.'
    );
  });

  it('joins UI API body arrays, DML page errors and field errors', () => {
    expect(reduceErrors({ body: [{ message: 'First.' }, { message: 'Second.' }] })).toBe('First. Second.');
    expect(
      reduceErrors({
        body: {
          pageErrors: [{ message: 'Record locked.' }],
          fieldErrors: { Name: [{ message: 'Name too long.' }] }
        }
      })
    ).toBe('Record locked. Name too long.');
  });

  it('reads JavaScript errors and lists of errors', () => {
    expect(reduceErrors([new Error('Network down.'), { body: { message: 'Try again.' } }])).toBe(
      'Network down. Try again.'
    );
  });

  it('falls back to the status text, then to advice', () => {
    expect(reduceErrors({ statusText: 'Service Unavailable' })).toBe('Service Unavailable');
    expect(reduceErrors(undefined)).toBe('Unknown error. Reload the page and try again.');
  });
});
