export * from './transaction-env.ts';
export * from './transaction-keys.ts';
export * from './invite-client-transaction.ts';
export * from './non-invite-client-transaction.ts';
export * from './invite-server-transaction.ts';
export * from './non-invite-server-transaction.ts';
export * from './transaction-layer.ts';
export * from './finished-transaction.ts';
