/**
 * The messages of an error from imperative Apex, a wire adapter or JavaScript, as one readable string.
 * Apex errors arrive as { body: { message } } (AuraHandledException), { body: [{ message }] } (UI API)
 * or with pageErrors / fieldErrors for DML failures.
 */
export function reduceErrors(errors) {
  const list = Array.isArray(errors) ? errors : [errors];
  const messages = list
    .filter((error) => Boolean(error))
    .flatMap((error) => {
      const body = error.body;
      if (Array.isArray(body)) {
        return body.map((entry) => entry.message);
      }
      if (body && (body.pageErrors?.length || body.fieldErrors)) {
        return [
          ...(body.pageErrors || []).map((entry) => entry.message),
          ...Object.values(body.fieldErrors || {})
            .flat()
            .map((entry) => entry.message)
        ];
      }
      if (body && typeof body.message === 'string') {
        return [body.message];
      }
      return typeof error.message === 'string' ? [error.message] : [error.statusText];
    })
    .filter((message) => Boolean(message));
  return messages.length ? messages.join(' ') : 'Unknown error. Reload the page and try again.';
}
