/** The floor for cold init: a Lambda that loads nothing and answers at once. */
export const handler = async () => ({ statusCode: 201, headers: {}, body: '{}' });
